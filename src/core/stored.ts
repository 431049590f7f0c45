import type { Resolved } from '../config/resolve.js'
import type { Choice } from './choice.js'
import { writeCookie } from './cookie.js'
import { decodeRecord, encodeRecord, type ConsentRecord } from './record.js'

/** Why the visitor must be asked; null when a valid decision is stored. */
export type AskReason = 'missing' | 'corrupt' | 'expired' | 'revision' | 'partial'

export interface Stored {
  /** The last decision, even an expired or outdated one: renewals compare with it. */
  record: ConsentRecord | null
  ask: AskReason | null
}

/**
 * The consent cookie's value in `cookies`, a `document.cookie` string (the first of equal
 * names wins). Taken as it stands: a record has only cookie-safe characters, written
 * unencoded (src/core/cookie.ts), so anything encoded is not ours and reads as corrupt.
 *
 * The caller reads document.cookie, not this module: with DevTools open, Chromium
 * captures the JS stack at every cookie read and V8 re-parses each function on it for
 * source positions, a cost that grows with the stack's depth (test/bench/README.md, "Figures
 * behind design choices"). `init` reads it at the top of its stack.
 */
export function cookieValue(config: Resolved, cookies: string): string | undefined {
  const prefix = config.cookie.name + '='
  for (const pair of cookies.split('; ')) if (pair.startsWith(prefix)) return pair.slice(prefix.length)
}

/** The stored decision in `raw`, the consent cookie's value. Whatever it holds, the answer is a value, never an exception. */
export function readStored(config: Resolved, nowSeconds: number, raw: string | undefined): Stored {
  if (!raw) return { record: null, ask: 'missing' }
  const record = decodeRecord(raw)
  if (!record) return { record: null, ask: 'corrupt' }
  if (record.revision !== config.revision) return { record, ask: 'revision' }
  if (record.expiresAt <= nowSeconds) return { record, ask: 'expired' }
  // A placeholder allowed one service before any decision: it stands, the rest is still to ask.
  return { record, ask: record.partial ? 'partial' : null }
}

/** The stored choice in terms of today's config: unlisted or new names are refused. */
export function choiceOf(config: Resolved, record: ConsentRecord): Choice {
  const choice: Choice = { categories: {}, services: {} }
  for (const c of config.categories) {
    choice.categories[c.name] = c.required || record.categories.includes(c.name)
    for (const s of c.services) choice.services[s.key] = c.required || record.services.includes(s.key)
  }
  return choice
}

/** Chromium keeps no cookie longer than 400 days; the record's own expiry decides sooner. */
const COOKIE_DAYS = 400

export function writeStored(config: Resolved, record: ConsentRecord): void {
  const { name, domain, path, sameSite, secure } = config.cookie
  writeCookie(name, encodeRecord(record), COOKIE_DAYS, { path, domain, sameSite, secure: secure || sameSite === 'None' })
}

export function clearStored(config: Resolved): void {
  const { name, domain, path } = config.cookie
  writeCookie(name, '', 0, { path, domain })
}
