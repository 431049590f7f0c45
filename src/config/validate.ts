import { AFTER, badKey, badPlace, mismatch, NECESSARY, REQUIRED, unknownKey } from './messages.js'
import type { Rule } from './rules.js'
import { configShape, POSITIONS } from './shape.js'
import type { Config } from './types.js'

export interface Problem {
  /** JSON path such as `categories.analytics.services.ga4.cookies[1]`. */
  path: string
  message: string
}

export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super('Consentry: invalid config\n' + problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n') + AFTER)
    this.name = 'ConfigError'
  }
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key)

function check(rule: Rule, value: unknown, path: string, out: Problem[]): void {
  const fail = (): void => void out.push({ path, message: mismatch(rule, value) })
  switch (rule.t) {
    case 'string':
      if (typeof value !== 'string' || (rule.re && !rule.re.test(value)) || (rule.check && !rule.check(value))) fail()
      return
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || (rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max))
        fail()
      return
    case 'boolean':
      if (typeof value !== 'boolean') fail()
      return
    case 'enum':
      if (!rule.values.includes(value as string)) fail()
      return
    case 'array':
      if (!Array.isArray(value)) fail()
      else value.forEach((item, i) => check(rule.items, item, `${path}[${i}]`, out))
      return
    case 'anyOf':
      // Report the branch's own problems when the value has that branch's type
      // (a described cookie with a bad field), else the summary.
      for (const branch of rule.rules) {
        const inner: Problem[] = []
        check(branch, value, path, inner)
        if (!inner.length) return
        if ((branch.t === 'object' || branch.t === 'record') && value && typeof value === 'object' && !Array.isArray(value)) {
          out.push(...inner)
          return
        }
      }
      fail()
      return
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    fail()
    return
  }
  const entries = Object.entries(value)
  if (rule.t === 'record') {
    for (const [key, item] of entries) {
      if (!rule.key.test(key)) out.push({ path: join(path, key), message: badKey(rule) })
      else check(rule.value, item, join(path, key), out)
    }
    return
  }
  for (const key of rule.required ?? []) {
    if (!(key in value)) out.push({ path: join(path, key), message: REQUIRED })
  }
  for (const [key, item] of entries) {
    const inner = rule.props[key]
    if (inner) check(inner, item, join(path, key), out)
    else out.push({ path: join(path, key), message: unknownKey(rule) })
  }
}

/** Every problem in `input`, each with its JSON path; empty when the config is valid. */
export function validate(input: unknown): Problem[] {
  const out: Problem[] = []
  check(configShape, input, '', out)
  const necessary = (input as Config | undefined)?.categories?.necessary
  if (necessary?.required === false) {
    out.push({ path: 'categories.necessary.required', message: NECESSARY })
  }
  // A pair of valid values that cannot go together: a bar in a corner, a cloud in one.
  const { layout = 'bar', position } = (input as Config | undefined)?.ui ?? {}
  const places = POSITIONS[layout]
  if (places && POSITIONS.box.includes(position!) && !places.includes(position!)) {
    out.push({ path: 'ui.position', message: badPlace(layout, position!, places) })
  }
  return out
}

/** Parses config JSON text; a syntax error becomes one problem, never an exception. */
export function parseConfig(text: string): { config?: Config; problems: Problem[] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { problems: [{ path: '', message: `not valid JSON (${(error as Error).message})` }] }
  }
  const problems = validate(value)
  return problems.length ? { problems } : { config: value as Config, problems }
}
