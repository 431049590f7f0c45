// From what the phases recorded to the report's findings: each cookie, storage key and
// third-party host with its Open Cookie Database match and its declaration in the
// site's config, and the violations of the promise a consent banner makes —
//   before-consent: nothing but necessary before a choice (opt-in);
//   after-reject:   nothing optional after "Reject all";
//   undeclared:     everything set is listed in the config (when one is given).
// A name's category is the config's when it declares it, else the database's; a name
// neither knows has no category and breaks no phase rule (it is listed, and is
// undeclared when a config is given).

import type { Declarations } from './declared.js'
import { categoryOf, matchOcd } from './ocd.js'
import type { PhaseRecord } from './record.js'
import {
  PHASES,
  type CategorisedBy,
  type Declared,
  type Findings,
  type NotSeen,
  type OcdMatch,
  type Phase,
  type ScanCookie,
  type ScanRequest,
  type ScanStorage,
  type Violation,
} from './types.js'

/** Storage keys the SDK itself writes (cross-tab sync, decision notes for receipts). */
const OWN_KEY = /^consentry:/

/** True when `host` belongs to the site at `siteHost` (itself, its parent without "www.", or a subdomain). */
export function firstParty(host: string, siteHost: string): boolean {
  if (host === siteHost) return true
  if (/^[\d.]+$|:/.test(siteHost)) return false
  const base = siteHost.replace(/^www\./, '')
  return host === base || host.endsWith('.' + base)
}

function categorise(own: boolean, declared: Declared | null, match: OcdMatch | null): { category: string | null; categorisedBy: CategorisedBy } {
  if (own) return { category: 'necessary', categorisedBy: 'consentry' }
  if (declared) return { category: declared.category, categorisedBy: 'config' }
  if (match) return { category: categoryOf(match), categorisedBy: 'open-cookie-database' }
  return { category: null, categorisedBy: null }
}

/** The report's match: the database's fields, without the entry's own name. */
const strip = (m: ReturnType<typeof matchOcd>): OcdMatch | null =>
  m && { platform: m.platform, category: m.category, description: m.description, retention: m.retention, controller: m.controller, wildcard: m.wildcard }

export function analyse(records: PhaseRecord[], decl: Declarations, siteHost: string, hasConfig: boolean): Findings {
  const cookies: ScanCookie[] = []
  const storage: ScanStorage[] = []
  const requests: ScanRequest[] = []
  for (const record of records) {
    for (const c of record.cookies.values()) {
      const match = strip(matchOcd(c.name, c.domain))
      const declared = decl.cookie(c.name)
      cookies.push({
        name: c.name,
        domain: c.domain,
        path: c.path,
        expires: c.expires > 0 ? new Date(c.expires * 1000).toISOString() : null,
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: c.sameSite,
        phase: record.phase,
        setBy: record.setBy.get(c.name) ?? null,
        match,
        declared,
        ...categorise(c.name === decl.consentCookie, declared, match),
      })
    }
    for (const s of record.storage.values()) {
      const match = strip(matchOcd(s.key, new URL(s.origin).hostname))
      const declared = decl.storageKey(s.key)
      storage.push({ ...s, phase: record.phase, match, declared, ...categorise(OWN_KEY.test(s.key), declared, match) })
    }
    for (const [host, count] of record.hosts) if (!firstParty(host, siteHost)) requests.push({ host, phase: record.phase, declared: decl.host(host), count })
  }
  const order = (p: Phase) => PHASES.indexOf(p)
  cookies.sort((a, b) => order(a.phase) - order(b.phase) || a.name.localeCompare(b.name) || a.domain.localeCompare(b.domain) || a.path.localeCompare(b.path))
  storage.sort((a, b) => order(a.phase) - order(b.phase) || a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key) || a.origin.localeCompare(b.origin))
  requests.sort((a, b) => order(a.phase) - order(b.phase) || a.host.localeCompare(b.host))

  const warnings: string[] = []
  const optInRules = decl.resolved.mode === 'opt-in'
  if (!optInRules)
    warnings.push(
      `the config's mode is "${decl.resolved.mode}": optional cookies before a choice are by design there, so no before-consent violations are counted`,
    )
  const violations: Violation[] = []
  const seen = new Set<string>()
  const add = (v: Violation, key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    violations.push(v)
  }
  const optional = (category: string | null) => category !== null && !decl.required.has(category)
  const what = { cookie: 'cookie', storage: 'storage key', request: 'host' }
  type Item = { subject: Violation['subject']; name: string; phase: Phase; category: string | null; declared: Declared | null; own: boolean }
  const items: Item[] = [
    ...cookies.map((c) => ({
      subject: 'cookie' as const,
      name: c.name,
      phase: c.phase,
      category: c.category,
      declared: c.declared,
      own: c.categorisedBy === 'consentry',
    })),
    ...storage.map((s) => ({
      subject: 'storage' as const,
      name: s.key,
      phase: s.phase,
      category: s.category,
      declared: s.declared,
      own: s.categorisedBy === 'consentry',
    })),
    // A host counts only when the config ties it to a service: hosts alone say nothing about purpose.
    ...requests.map((r) => ({
      subject: 'request' as const,
      name: r.host,
      phase: r.phase,
      category: r.declared?.category ?? null,
      declared: r.declared,
      own: false,
    })),
  ]
  for (const item of items) {
    const label = `${what[item.subject]} ${item.name}${item.category ? ` (${item.category}${item.declared ? `, service ${item.declared.service}` : ''})` : ''}`
    if (item.phase === 'before-consent' && optInRules && optional(item.category))
      add(
        {
          kind: 'before-consent',
          name: item.name,
          phase: item.phase,
          subject: item.subject,
          category: item.category,
          message: `${label} is there before any choice: only necessary ones may be`,
        },
        `b|${item.subject}|${item.name}`,
      )
    if (item.phase === 'after-reject' && optional(item.category))
      add(
        {
          kind: 'after-reject',
          name: item.name,
          phase: item.phase,
          subject: item.subject,
          category: item.category,
          message: `${label} is there after "Reject all"`,
        },
        `r|${item.subject}|${item.name}`,
      )
    if (hasConfig && item.subject !== 'request' && !item.declared && !item.own)
      add(
        {
          kind: 'undeclared',
          name: item.name,
          phase: item.phase,
          subject: item.subject,
          category: item.category,
          message: `${label} is set but no service of the config lists it`,
        },
        `u|${item.subject}|${item.name}`,
      )
  }

  const KINDS = ['before-consent', 'after-reject', 'undeclared']
  const SUBJECTS = ['cookie', 'storage', 'request']
  violations.sort(
    (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || SUBJECTS.indexOf(a.subject) - SUBJECTS.indexOf(b.subject) || a.name.localeCompare(b.name),
  )

  const declaredNotSeen: NotSeen[] = []
  if (hasConfig) {
    for (const entry of decl.cookies)
      if (!cookies.some((c) => entry.test(c.name)))
        declaredNotSeen.push({ subject: 'cookie', name: entry.pattern, category: entry.category, service: entry.service })
    for (const entry of decl.storage)
      if (!storage.some((s) => entry.test(s.key)))
        declaredNotSeen.push({ subject: 'storage', name: entry.pattern, category: entry.category, service: entry.service })
  }

  const unknown = [...new Set([...cookies.filter((c) => !c.category).map((c) => c.name), ...storage.filter((s) => !s.category).map((s) => s.key)])]
  if (unknown.length)
    warnings.push(
      `${unknown.length} name${unknown.length === 1 ? '' : 's'} neither the config nor the Open Cookie Database knows, so no phase rule could judge ${unknown.length === 1 ? 'it' : 'them'}: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
    )
  return { cookies, storage, requests, violations, declaredNotSeen, warnings }
}
