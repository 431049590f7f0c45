import { oneOf, type Rule } from './rules.js'
import { MODES } from './types.js'

// Everything the validator says in words: what each rule of shape.ts expects ("a cookie name or
// /regex/"), and the messages built from it ("expected a cookie name or /regex/, got 42"). The npm
// build, `consentry validate` and the playground say all of it. The script-tag builds, which must
// stay small, swap this module for messages-short.ts (rollup.config.mjs): their console error names
// each path and the kind of problem, and points to `npx consentry validate` for the rest.

/** What a rule of shape.ts or tcf-shape.ts expects, where its type alone does not say it. */
export const WORDS = {
  name: 'a name of letters, digits, "-" or "_" (starting with a letter)',
  cookiePattern: 'a cookie name or /regex/',
  url: 'an http(s) or relative URL',
  cssValue: 'a CSS value such as "#0b57d0" or "8px"',
  host: 'a host name',
  region: 'a region such as "US-CA"',
  regionKey: 'a region',
  mode: 'one of ' + MODES.map((m) => JSON.stringify(m)).join(', '),
  textKey: 'a text key',
  text: 'a text or a group of texts',
  lang: 'a language tag such as "en" or "pt-BR"',
  path: 'a path',
  cookieName: 'a cookie name',
  domain: 'a domain such as "example.com" or ""',
  cookiePath: 'a path starting with "/"',
  nonce: 'a CSP nonce',
  vendors: 'a list of vendor ids or "all"',
  countryCode: 'a country code such as "DE"',
  stamp: 'a stamp written by consentry validate --stamp',
  floatingButton: 'false, or an object',
}

/** What a value for `rule` should be, in words: "an integer from 1 to 400", "one of …". */
function expected(rule: Rule): string {
  switch (rule.t) {
    case 'string':
      return rule.x || 'a string'
    case 'anyOf':
      return rule.x
    case 'integer':
      return rule.min === undefined ? 'an integer' : rule.max === undefined ? `an integer >= ${rule.min}` : `an integer from ${rule.min} to ${rule.max}`
    case 'boolean':
      return 'true or false'
    case 'enum':
      return 'one of ' + rule.values.map((v) => JSON.stringify(v)).join(', ')
    case 'array':
      return 'a list'
  }
  return 'an object'
}

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? text.slice(0, 37) + '...' : text
}

/** `value` does not fit `rule`. */
export const mismatch = (rule: Rule, value: unknown): string => `expected ${expected(rule)}, got ${describe(value)}`

/** A key of a record (`categories`, `translations`…) that is not a valid name. */
export const badKey = (rule: Rule & { t: 'record' }): string => `expected ${rule.keyX} as key`

/** A key the object does not have. */
export const unknownKey = (rule: Rule & { t: 'object' }): string => `unknown key (expected one of: ${Object.keys(rule.props).join(', ')})`

/** A valid layout and a valid position that cannot go together (a bar in a corner). */
export const badPlace = (layout: string, position: string, places: readonly string[]): string =>
  `a ${layout} cannot stand at "${position}": expected ${expected(oneOf(...places))}, or ui.layout "box"`

export const REQUIRED: string = 'is required'

export const NECESSARY: string = 'necessary cannot be switched off; remove this or set it to true'

/** Said after the problems. */
export const AFTER: string = ''
