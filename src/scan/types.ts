// The scan report (`consentry scan --format json`, docs/scanner.md): the pinned fields
// plus a few the text and Markdown reports need (category, categorisedBy, origin,
// count, subject, message, declaredNotSeen, warnings, complete).

import type { Config } from '../config/types.js'

export const PHASES = ['before-consent', 'after-reject', 'after-accept'] as const
export type Phase = (typeof PHASES)[number]

/** An Open Cookie Database entry that matched a cookie or storage key. */
export interface OcdMatch {
  platform: string
  /** The database's own category: Necessary, Security, Functional, Personalization, Analytics, Marketing. */
  category: string
  description: string
  retention: string
  controller: string
  /** The entry is a name prefix ("_ga_" matches "_ga_ABC123"). */
  wildcard: boolean
}

/** The service of the site's config that lists a cookie, storage key or host. */
export interface Declared {
  category: string
  service: string
}

/** What set a cookie: a `Set-Cookie` response header, or a script writing `document.cookie` / `cookieStore`. */
export interface SetBy {
  via: 'header' | 'script'
  /** The response's URL, or the script's (the page's own URL for an inline script). */
  url: string
}

/** Where a cookie's or key's Consentry category came from. */
export type CategorisedBy = 'config' | 'open-cookie-database' | 'consentry' | null

export interface ScanCookie {
  name: string
  domain: string
  path: string
  /** ISO 8601; null for a session cookie. */
  expires: string | null
  httpOnly: boolean
  secure: boolean
  sameSite: 'Strict' | 'Lax' | 'None'
  phase: Phase
  setBy: SetBy | null
  match: OcdMatch | null
  declared: Declared | null
  /** The Consentry category the rules judged it by; null when nothing identifies it. */
  category: string | null
  categorisedBy: CategorisedBy
}

export interface ScanStorage {
  kind: 'localStorage' | 'sessionStorage'
  key: string
  /** The origin whose storage holds the key (a frame's, for third-party frames). */
  origin: string
  phase: Phase
  match: OcdMatch | null
  declared: Declared | null
  category: string | null
  categorisedBy: CategorisedBy
}

/** A third-party host the pages contacted in a phase. */
export interface ScanRequest {
  host: string
  phase: Phase
  declared: Declared | null
  /** Requests to it in that phase. */
  count: number
}

export interface Violation {
  kind: 'before-consent' | 'after-reject' | 'undeclared'
  name: string
  phase: Phase
  subject: 'cookie' | 'storage' | 'request'
  category: string | null
  message: string
}

/** A config entry (cookie name or /regex/, storage key) that no page set in any phase. */
export interface NotSeen {
  subject: 'cookie' | 'storage'
  name: string
  category: string
  service: string
}

/** What the scan found, before it is put in a report. */
export interface Findings {
  cookies: ScanCookie[]
  storage: ScanStorage[]
  requests: ScanRequest[]
  violations: Violation[]
  declaredNotSeen: NotSeen[]
  /** Pages that failed or did not settle, buttons not found, time limits reached. */
  warnings: string[]
}

export interface ScanReport extends Findings {
  url: string
  scannedAt: string
  pages: string[]
  /** False when the total time limit stopped the scan before every page of every phase. */
  complete: boolean
  draft: Config
}
