// `consentry validate` without the terminal: the config's problems (the SDK's own
// run-time rules, which consentry.schema.json is generated from), each with its
// line and column, typo suggestions, legal pitfalls, the canonical SHA-256 that
// receipts carry, and revision advice. Browser-safe: the playground loads this
// same code as dist/consentry-validate.js.

import en from '../../locales/en.json'
import type { Rule } from '../config/rules.js'
import { contrastProblems, type ContrastProblem } from '../config/contrast.js'
import { fingerprint } from '../config/fingerprint.js'
import { configShape } from '../config/shape.js'
import type { CategoryConfig, Config, ServiceConfig, TextTree } from '../config/types.js'
import { validate } from '../config/validate.js'
import { LOCALES } from '../i18n/negotiate.js'
import { canonicalJson, sha256 } from '../receipts/digest.js'
import { JsonSyntaxError, mapJson, positionOf, type Located } from './positions.js'

type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  severity: Severity
  /** JSON path as the SDK reports it ('' = the whole file). */
  path: string
  message: string
  line: number
  column: number
  /** The nearest valid name, for typos. */
  suggestion?: string
}

interface RevisionAdvice {
  previous: number
  current: number
  /** What visitors agree to changed: categories or services added, a cookie list grew, required changed. */
  purposes: string[]
  /** Titles, descriptions or translations changed. */
  texts: string[]
  /** Categories or services removed (no new consent needed for less). */
  removed: string[]
  bumpNeeded: boolean
}

export interface Report {
  /** No errors (and, with `strict`, no warnings either). */
  valid: boolean
  errors: number
  warnings: number
  findings: Finding[]
  /** base64url SHA-256 of the RFC 8785 canonical JSON: the `config` claim of every receipt. */
  sha256?: string
  /** A valid config's stamp (src/config/fingerprint.ts): `validate --stamp` writes it as `checked`. */
  fingerprint?: string
  /** The file's own `checked` key against that stamp: `current` vouches for it in browsers, `stale` no longer does. */
  stamp?: 'current' | 'stale'
  revision?: number
  revisionAdvice?: RevisionAdvice
}

export interface CheckOptions {
  /** Warnings make the config invalid too. */
  strict?: boolean
  /** The text of the previously released config, to compare for revision advice. */
  previous?: string
}

// ---------------------------------------------------------------- typos

/** Optimal string alignment distance (a swap of two neighbours counts as one edit). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[a.length][b.length]
}

/** The closest of `candidates` to `word`, when it is close enough to be a typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    if (candidate === word) return undefined
    const d = distance(word, candidate)
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  return best !== undefined && bestDistance <= limit ? best : undefined
}

const segments = (path: string): string[] => path.match(/[^.[\]]+/g) ?? []

/** The object rule whose key is the last segment of `path`. */
function parentRule(path: string): Rule | undefined {
  let rule: Rule | undefined = configShape
  for (const seg of segments(path).slice(0, -1)) {
    while (rule?.t === 'anyOf') rule = rule.rules.find((r) => r.t === 'object' || r.t === 'record')
    if (!rule) return undefined
    if (rule.t === 'object') rule = rule.props[seg]
    else if (rule.t === 'record') rule = rule.value
    else if (rule.t === 'array') rule = rule.items
    else return undefined
  }
  while (rule?.t === 'anyOf') rule = rule.rules.find((r) => r.t === 'object' || r.t === 'record')
  return rule
}

// ---------------------------------------------------------------- legal pitfalls

/** Advertising and cross-site tracking domains: never "strictly necessary". */
const AD_DOMAINS = [
  'doubleclick.net',
  'googlesyndication.com',
  'googleadservices.com',
  'googletagservices.com',
  'google-analytics.com',
  'adservice.google.com',
  'facebook.net',
  'facebook.com',
  'connect.facebook.net',
  'adnxs.com',
  'criteo.com',
  'criteo.net',
  'taboola.com',
  'outbrain.com',
  'ads-twitter.com',
  'ads.linkedin.com',
  'snap.licdn.com',
  'bat.bing.com',
  'amazon-adsystem.com',
  'adsrvr.org',
  'rubiconproject.com',
  'pubmatic.com',
  'openx.net',
  'scorecardresearch.com',
  'quantserve.com',
  'analytics.tiktok.com',
  'ads.pinterest.com',
  'hotjar.com',
  'yandex.ru',
]

/** Category names that must stay optional: consent to them has to be freely given. */
const OPTIONAL_PURPOSES = /^(advertising|ads|marketing|targeting|retargeting|personali[sz]ation|tracking|social)$/i

const STANDARD_CATEGORIES = Object.keys(en.categories)

/** Every string inside `value`, with its path. */
function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value])
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, `${path}[${i}]`, out))
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) strings(item, `${path}.${key}`, out)
  return out
}

const adDomainIn = (text: string): string | undefined => {
  const lower = text.toLowerCase()
  return AD_DOMAINS.find((domain) => new RegExp(`(^|[^a-z0-9-])${domain.replace(/\./g, '\\.')}($|[^a-z0-9-])`).test(lower))
}

const textAt = (tree: TextTree | undefined, path: string): string | undefined => {
  let node: TextTree | string | undefined = tree
  for (const key of path.split('.')) node = typeof node === 'object' ? node[key] : undefined
  return typeof node === 'string' ? node : undefined
}

/** Leaf paths of a text tree ("banner.title", …). */
function leaves(tree: TextTree, prefix = '', out: string[] = []): string[] {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.push(path)
    else leaves(value, path, out)
  }
  return out
}

type Lint = { severity: Severity; path: string; message: string; suggestion?: string; at?: 'key' | 'value' }

// Rounded down, so that 4.49:1 never reads as the 4.5:1 it misses.
const ratio = (r: number) => `${Math.floor(r * 100) / 100}:1`

function contrastLint({ key, scheme, foreground, background, ratio: r, needed }: ContrastProblem): Lint {
  const where = `in the ${scheme} scheme`
  const message =
    key === 'accent'
      ? `the accent ${foreground} on the background ${background} is ${ratio(r)} ${where}; switches that are on and button edges need 3:1 (WCAG 2.2 SC 1.4.11): choose an accent that stands out from the background${scheme === 'dark' ? ' in dark mode (light-dark(#0b57d0, #a8c7fa) gives one per scheme), or "scheme": "light"' : ''}`
      : `${foreground} on the ${key === 'text' ? 'background' : 'accent'} ${background} is ${ratio(r)} ${where}; text needs ${needed}:1 (WCAG 2.2 SC 1.4.3): leave ui.theme.${key} out and Consentry picks white or black text that reads`
  return { severity: 'warning', path: `ui.theme.${key}`, message }
}

function pitfalls(config: Config): Lint[] {
  const out: Lint[] = contrastProblems(config.ui?.theme).map(contrastLint)
  const categories = config.categories ?? {}
  const translations = config.translations ?? {}
  const defaultLang = config.language?.default ?? 'en'
  const languages = [...new Set([defaultLang, ...Object.keys(translations)])]

  for (const [name, category] of Object.entries<CategoryConfig>(categories)) {
    const at = `categories.${name}`
    if (!STANDARD_CATEGORIES.includes(name)) {
      const typo = nearest(name, STANDARD_CATEGORIES)
      if (typo)
        out.push({
          severity: 'warning',
          path: at,
          message: `"${name}" is not a standard category; did you mean "${typo}"? (gated markup with data-category="${typo}" would never run)`,
          suggestion: typo,
          at: 'key',
        })
      else if (!category.title && !languages.some((lang) => textAt(translations[lang], `categories.${name}.title`)))
        out.push({ severity: 'warning', path: at, message: `no title: visitors see the bare name "${name}"; give it a title and a description`, at: 'key' })
    }
    if (category.required && name !== 'necessary' && OPTIONAL_PURPOSES.test(name))
      out.push({
        severity: 'warning',
        path: `${at}.required`,
        message: `${name} must not be required: consent to it has to be freely given and refusable (GDPR Art. 7(4), ePrivacy Art. 5(3))`,
      })
    for (const [service, svc] of Object.entries<ServiceConfig>(category.services ?? {})) {
      const sat = `${at}.services.${service}`
      const described = !!svc.description || languages.some((lang) => !!textAt(translations[lang], `services.${service}.description`))
      if (svc.cookies?.length && !described)
        out.push({
          severity: 'warning',
          path: sat,
          message: 'has cookies but no description: say what the service does and why, so that consent is informed (GDPR Art. 13)',
          at: 'key',
        })
      if (name === 'necessary' || category.required) {
        for (const [path, text] of strings(svc, sat)) {
          const domain = adDomainIn(text)
          if (domain) {
            out.push({
              severity: 'warning',
              path,
              message: `${domain} is an advertising or tracking domain, which is never strictly necessary: move "${service}" to an optional category`,
            })
            break
          }
        }
      }
    }
  }

  // Texts for each configured language.
  for (const lang of languages) {
    const given = translations[lang]
    const shipped = LOCALES.includes(lang)
    if (!shipped && !given) {
      out.push({
        severity: 'warning',
        path: 'language.default',
        message: `no texts for "${lang}": there is no locales/${lang}.json and no translations.${lang}, so visitors see English`,
      })
      continue
    }
    if (!shipped && given) {
      const missing = leaves(en as TextTree).filter((path) => !path.startsWith('categories.') && !textAt(given, path))
      if (missing.length)
        out.push({
          severity: 'warning',
          path: `translations.${lang}`,
          message: `${missing.length} text${missing.length === 1 ? '' : 's'} missing for "${lang}" (no locales/${lang}.json ships with Consentry), shown in English: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}`,
          at: 'key',
        })
    }
    // Titles and descriptions written on categories/services hold one language (the default).
    if (languages.length > 1 && lang !== defaultLang) {
      for (const [name, category] of Object.entries<CategoryConfig>(categories)) {
        for (const field of ['title', 'description'] as const) {
          const own = category[field]
          if (own && !textAt(given, `categories.${name}.${field}`))
            out.push({
              severity: 'warning',
              path: `categories.${name}.${field}`,
              message: `no ${field} in "${lang}": add translations.${lang}.categories.${name}.${field}, or "${lang}" visitors see ${JSON.stringify(own)}`,
            })
        }
        for (const [service, svc] of Object.entries<ServiceConfig>(category.services ?? {}))
          if (svc.description && !textAt(given, `services.${service}.description`))
            out.push({
              severity: 'warning',
              path: `categories.${name}.services.${service}.description`,
              message: `no description in "${lang}": add translations.${lang}.services.${service}.description`,
            })
      }
    }
  }

  // Text keys that the SDK never reads (typos).
  for (const [lang, tree] of Object.entries(translations)) {
    const walk = (node: TextTree, reference: TextTree | undefined, path: string, free: boolean): void => {
      for (const [key, value] of Object.entries(node)) {
        const sub = `${path}.${key}`
        const known = free ? { title: '', description: '' } : reference?.[key]
        if (!free && reference && known === undefined) {
          const typo = nearest(key, Object.keys(reference))
          out.push({
            severity: 'warning',
            path: sub,
            message: typo ? `unknown text key; did you mean "${typo}"?` : `unknown text key (expected one of: ${Object.keys(reference).join(', ')})`,
            ...(typo ? { suggestion: typo } : {}),
            at: 'key',
          })
          continue
        }
        if (typeof value === 'object') {
          // Under categories, services and cookies the keys are names, and under each name
          // title/description (provider/purpose/duration for a cookie).
          const names = path === `translations.${lang}` && (key === 'categories' || key === 'services' || key === 'cookies')
          const fields: TextTree = key === 'cookies' ? { provider: '', purpose: '', duration: '' } : { title: '', description: '' }
          if (names) for (const [name, inner] of Object.entries(value)) typeof inner === 'object' && walk(inner, fields, `${sub}.${name}`, false)
          else walk(value, typeof known === 'object' ? known : undefined, sub, false)
        }
      }
    }
    // Service titles and descriptions live under `services.<name>`, a cookie's table fields under
    // `cookies.<name>` (not in en.json: they come from config).
    walk(tree, { ...(en as TextTree), services: {}, cookies: {} }, `translations.${lang}`, false)
  }
  return out
}

// ---------------------------------------------------------------- revision advice

function compare(previous: Config, current: Config): Omit<RevisionAdvice, 'bumpNeeded'> {
  const purposes: string[] = []
  const texts: string[] = []
  const removed: string[] = []
  const before = previous.categories ?? {}
  const after = current.categories ?? {}
  for (const name of Object.keys(before)) if (!(name in after)) removed.push(`categories.${name}`)
  for (const [name, category] of Object.entries<CategoryConfig>(after)) {
    const old = before[name]
    const at = `categories.${name}`
    if (!old) {
      purposes.push(`${at} added`)
      continue
    }
    if (!!old.required !== !!category.required) purposes.push(`${at}.required changed`)
    for (const field of ['title', 'description'] as const) if (old[field] !== category[field]) texts.push(`${at}.${field}`)
    const oldServices = old.services ?? {}
    const services = category.services ?? {}
    for (const s of Object.keys(oldServices)) if (!(s in services)) removed.push(`${at}.services.${s}`)
    for (const [s, svc] of Object.entries<ServiceConfig>(services)) {
      const prior = oldServices[s]
      const sat = `${at}.services.${s}`
      if (!prior) {
        purposes.push(`${sat} added`)
        continue
      }
      const names = (list: ServiceConfig['cookies']) => new Set((list ?? []).map((c) => (typeof c === 'string' ? c : c.name)))
      const oldCookies = names(prior.cookies)
      const added = [...names(svc.cookies)].filter((c) => !oldCookies.has(c))
      if (added.length) purposes.push(`${sat}.cookies: ${added.join(', ')} added`)
      for (const field of ['title', 'description', 'provider', 'policyUrl', 'retention'] as const)
        if (prior[field] !== svc[field]) (field === 'provider' ? purposes : texts).push(`${sat}.${field}${field === 'provider' ? ' changed' : ''}`)
    }
  }
  const langs = new Set([...Object.keys(previous.translations ?? {}), ...Object.keys(current.translations ?? {})])
  for (const lang of langs)
    if (canonicalJson(previous.translations?.[lang] ?? null) !== canonicalJson(current.translations?.[lang] ?? null)) texts.push(`translations.${lang}`)
  if ((previous.mode ?? 'opt-in') !== (current.mode ?? 'opt-in')) purposes.push('mode changed')
  return { previous: previous.revision ?? 1, current: current.revision ?? 1, purposes, texts, removed }
}

// ---------------------------------------------------------------- the check

function parse(text: string): { value?: unknown; paths: Map<string, Located>; lints: Lint[]; syntax?: Finding } {
  try {
    const mapped = mapJson(text)
    const lints: Lint[] = mapped.duplicates.map((d) => ({
      severity: 'error' as const,
      path: d.path,
      message: `duplicate key (the first is on line ${d.first.line}); JSON readers keep only the last one`,
      at: 'key' as const,
    }))
    // Duplicates report at the later key: point there, not at the first.
    for (const d of mapped.duplicates) mapped.paths.set(d.path, { ...mapped.paths.get(d.path)!, key: d.at })
    return { value: mapped.value, paths: mapped.paths, lints }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    const { line, column } = error.position
    return { paths: new Map(), lints: [], syntax: { severity: 'error', path: '', message: `not valid JSON: ${error.message}`, line, column } }
  }
}

/** Everything `consentry validate` reports about one config file's text. */
export async function check(text: string, options: CheckOptions = {}): Promise<Report> {
  const { value, paths, lints, syntax } = parse(text)
  const findings: Finding[] = []
  const finish = (extra: Partial<Report> = {}): Report => {
    const order = { error: 0, warning: 1, info: 2 }
    findings.sort((a, b) => a.line - b.line || a.column - b.column || order[a.severity] - order[b.severity])
    const errors = findings.filter((f) => f.severity === 'error').length
    const warnings = findings.filter((f) => f.severity === 'warning').length
    return { valid: errors === 0 && (!options.strict || warnings === 0), errors, warnings, findings, ...extra }
  }
  if (syntax) {
    findings.push(syntax)
    return finish()
  }
  const add = (lint: Lint): void => {
    const { line, column } = positionOf(paths, lint.path, lint.at)
    findings.push({
      severity: lint.severity,
      path: lint.path,
      message: lint.message,
      line,
      column,
      ...(lint.suggestion ? { suggestion: lint.suggestion } : {}),
    })
  }
  lints.forEach(add)

  const problems = validate(value)
  for (const problem of problems) {
    if (problem.message.startsWith('unknown key')) {
      const key = segments(problem.path).pop() ?? ''
      const rule = parentRule(problem.path)
      const typo = rule?.t === 'object' ? nearest(key, Object.keys(rule.props)) : undefined
      add({
        severity: 'error',
        path: problem.path,
        message: typo ? `unknown key; did you mean "${typo}"?` : problem.message,
        ...(typo ? { suggestion: typo } : {}),
        at: 'key',
      })
    } else if (problem.message.endsWith('as key')) add({ severity: 'error', path: problem.path, message: problem.message, at: 'key' })
    else add({ severity: 'error', path: problem.path, message: problem.message })
  }
  // Legal pitfalls are only meaningful on a config the SDK accepts.
  if (!problems.length) pitfalls(value as Config).forEach(add)

  const config = (problems.length ? undefined : value) as Config | undefined
  const extra: Partial<Report> = { sha256: await sha256(canonicalJson(value)), revision: config?.revision ?? 1 }
  if (config) {
    extra.fingerprint = fingerprint(config)
    if (config.checked !== undefined) extra.stamp = config.checked === extra.fingerprint ? 'current' : 'stale'
    // A stale stamp is harmless (the browser checks the config again), but it costs visitors the check.
    if (extra.stamp === 'stale')
      add({
        severity: 'info',
        path: 'checked',
        message: `the stamp is not this config's (${extra.fingerprint}): the config was edited, or stamped for another SDK version, so browsers check it again; run "consentry validate --stamp" to renew it`,
      })
  }

  if (options.previous !== undefined && config) {
    const before = parse(options.previous)
    if (before.syntax || validate(before.value).length) {
      add({ severity: 'warning', path: 'revision', message: 'the previous config is not a valid Consentry config, so it cannot be compared' })
    } else {
      const diff = compare(before.value as Config, config)
      const changed = diff.purposes.length > 0 || diff.texts.length > 0
      const bumpNeeded = changed && diff.current <= diff.previous
      extra.revisionAdvice = { ...diff, bumpNeeded }
      if (diff.current < diff.previous)
        add({
          severity: 'warning',
          path: 'revision',
          message: `revision went down from ${diff.previous} to ${diff.current}: every visitor is asked again, and receipts become hard to read in order`,
        })
      else if (bumpNeeded && diff.purposes.length)
        add({
          severity: 'warning',
          path: 'revision',
          message: `what visitors agree to has changed (${diff.purposes.join('; ')}): release it with "revision": ${diff.previous + 1} so that every visitor is asked again`,
        })
      else if (bumpNeeded)
        add({
          severity: 'info',
          path: 'revision',
          message: `texts changed (${diff.texts.join(', ')}): if this changes the meaning of a purpose, release it with "revision": ${diff.previous + 1}; wording fixes need no bump`,
        })
      else if (diff.current > diff.previous && !changed)
        add({
          severity: 'info',
          path: 'revision',
          message: `revision raised from ${diff.previous} to ${diff.current} although no purpose or text changed: every visitor will be asked again`,
        })
    }
  }
  return finish(extra)
}
