// What the site's own config declares: which service lists a cookie, a storage key or a
// host, read the way the SDK reads it (names or `/regex/` strings, as the clean-up on
// withdrawal deletes them; a domain covers its subdomains, as auto-blocking holds them).

import { resolve, type Resolved } from '../config/resolve.js'
import type { Config, CookieInfo } from '../config/types.js'
import type { Declared } from './types.js'

interface Entry extends Declared {
  /** The config's text: a name or a `/regex/`. */
  pattern: string
  test(name: string): boolean
}

export interface Declarations {
  resolved: Resolved
  cookies: Entry[]
  storage: Entry[]
  /** Category names that are always on (`necessary`, and any `required: true`). */
  required: Set<string>
  /** The SDK's own consent cookie. */
  consentCookie: string
  cookie(name: string): Declared | null
  storageKey(key: string): Declared | null
  host(host: string): Declared | null
}

const tester = (pattern: string) => {
  if (!/^\/.+\/$/.test(pattern)) return (name: string) => name === pattern
  const re = new RegExp(pattern.slice(1, -1))
  return (name: string) => re.test(name)
}

/** The declarations of `config` (already valid); without a config, Consentry's defaults and nothing declared. */
export function declarations(config: Config | undefined): Declarations {
  // A scan is no visitor with a known region: the strictest mode applies, as in the SDK.
  const resolved = resolve(config ?? {}, true)
  const cookies: Entry[] = []
  const storage: Entry[] = []
  const domains: { domain: string; declared: Declared }[] = []
  for (const category of resolved.categories)
    for (const { name: service, config: svc } of category.services) {
      const declared = { category: category.name, service }
      for (const item of svc.cookies ?? []) {
        const pattern = typeof item === 'string' ? item : (item as CookieInfo).name
        cookies.push({ ...declared, pattern, test: tester(pattern) })
      }
      for (const pattern of svc.storage ?? []) storage.push({ ...declared, pattern, test: tester(pattern) })
      for (const domain of svc.domains ?? []) domains.push({ domain: domain.toLowerCase(), declared })
    }
  const find = (list: Entry[], name: string): Declared | null => {
    const entry = list.find((e) => e.test(name))
    return entry ? { category: entry.category, service: entry.service } : null
  }
  return {
    resolved,
    cookies,
    storage,
    required: new Set(resolved.categories.filter((c) => c.required).map((c) => c.name)),
    consentCookie: resolved.cookie.name,
    cookie: (name) => find(cookies, name),
    storageKey: (key) => find(storage, key),
    host: (host) => domains.find(({ domain }) => `.${host.toLowerCase()}`.endsWith(`.${domain}`))?.declared ?? null,
  }
}
