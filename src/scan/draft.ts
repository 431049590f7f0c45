// A config draft from what a scan found: the site's own config (or a fresh opt-in one)
// plus every cookie and storage key it sets that the config does not list yet, each
// under the service the Open Cookie Database names (provider, purpose and duration
// from the database). Names the database does not know go to a "unidentified" service
// under functional: optional until someone says otherwise, so that Consentry deletes
// them on refusal rather than let an unknown tracker pass as necessary. The result
// passes `consentry validate`; a marketing or legal team edits the wording.

import { DEFAULT_CATEGORIES } from '../config/resolve.js'
import type { CategoryConfig, Config, CookieInfo, ServiceConfig } from '../config/types.js'
import type { Findings } from './types.js'
import { categoryOf, matchOcd } from './ocd.js'

const ORDER = ['necessary', 'functional', 'analytics', 'advertising']
const UNIDENTIFIED = 'unidentified'

/** A service key the config accepts: letters, digits, "-", "_", starting with a letter, at most 40. */
export function serviceKey(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return (/^[a-z]/.test(slug) ? slug : `s-${slug || 'unnamed'}`).slice(0, 40).replace(/-+$/, '')
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
/** A literal name when the config's syntax allows it, else an anchored /regex/ for exactly it. */
const literal = (name: string) => (/^[^\s;,=]+$/.test(name) && !/^\/.+\/$/.test(name) ? name : `/^${escapeRegExp(name)}$/`)

export function draft(findings: Findings, config: Config | undefined, scannedAt: string, site: string): Config {
  const out: Config = config
    ? structuredClone(config)
    : { $schema: 'https://unpkg.com/consentry/consentry.schema.json', revision: 1, mode: 'opt-in', categories: { necessary: { required: true } } }
  const categories: Record<string, CategoryConfig> = (out.categories ??= structuredClone(DEFAULT_CATEGORIES))
  const date = scannedAt.slice(0, 10)

  /** The service to add `name` to, created when missing; undefined for names already there. */
  const serviceFor = (name: string, domain: string): { service: ServiceConfig; entry: string; info?: CookieInfo } => {
    const match = matchOcd(name, domain)
    if (!match) {
      const category = (categories.functional ??= {})
      const service = ((category.services ??= {})[UNIDENTIFIED] ??= {
        title: 'Not identified yet',
        description: `Found on ${site} by consentry scan on ${date}, and not in the Open Cookie Database: move each entry to the service that sets it (or to necessary, when the site cannot work without it).`,
      })
      return { service, entry: literal(name) }
    }
    const category = categoryOf(match)
    const title = match.platform || match.controller || 'This site'
    let key = serviceKey(title)
    // The same key in another category would make two different services with one name in has().
    if (Object.entries(categories).some(([other, c]) => other !== category && c.services?.[key])) key = serviceKey(`${key}-${category}`)
    const services = ((categories[category] ??= {}).services ??= {})
    const service = (services[key] ??= {
      title,
      ...(match.controller ? { provider: match.controller } : {}),
      description: match.description
        ? `${title}: ${match.description}`
        : `${title} (${match.category} in the Open Cookie Database), found by consentry scan on ${date}.`,
    })
    const entry = match.wildcard ? `/^${escapeRegExp(match.pattern)}/` : literal(name)
    const info: CookieInfo = { name: entry }
    if (match.controller) info.provider = match.controller
    if (match.description) info.purpose = match.description
    if (match.retention) info.duration = match.retention
    return { service, entry, info }
  }

  for (const cookie of findings.cookies) {
    if (cookie.declared || cookie.categorisedBy === 'consentry') continue
    const { service, entry, info } = serviceFor(cookie.name, cookie.domain)
    const list = (service.cookies ??= [])
    if (!list.some((item) => (typeof item === 'string' ? item : item.name) === entry)) list.push(info ?? entry)
  }
  for (const item of findings.storage) {
    if (item.declared || item.categorisedBy === 'consentry') continue
    const { service, entry } = serviceFor(item.key, new URL(item.origin).hostname)
    const list = (service.storage ??= [])
    if (!list.includes(entry)) list.push(entry)
  }
  // A fresh draft in the usual order (necessary first); a given config keeps its own.
  if (!config)
    out.categories = Object.fromEntries(
      Object.entries(categories).sort(([a], [b]) => (ORDER.indexOf(a) + 1 || ORDER.length + 1) - (ORDER.indexOf(b) + 1 || ORDER.length + 1)),
    )
  return out
}
