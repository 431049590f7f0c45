import Cookies from 'js-cookie'
import type { Resolved } from '../config/resolve.js'
import type { Choice } from './choice.js'
import { decodeRecord, encodeRecord, type ConsentRecord } from './record.js'

/** Why the visitor must be asked; null when a valid decision is stored. */
export type AskReason = 'missing' | 'corrupt' | 'expired' | 'revision'

export interface Stored {
  /** The last decision, even an expired or outdated one: renewals compare with it. */
  record: ConsentRecord | null
  ask: AskReason | null
}

/**
 * Reads the consent cookie, or `raw`, a value another tab just wrote. Whatever it
 * holds, the answer is a value, never an exception.
 */
export function readStored(config: Resolved, nowSeconds: number, raw?: string): Stored {
  try {
    raw ??= Cookies.get(config.cookie.name)
  } catch {
    raw = '%' // an undecodable cookie is a corrupt one
  }
  if (!raw) return { record: null, ask: 'missing' }
  const record = decodeRecord(raw)
  if (!record) return { record: null, ask: 'corrupt' }
  if (record.revision !== config.revision) return { record, ask: 'revision' }
  if (record.expiresAt <= nowSeconds) return { record, ask: 'expired' }
  return { record, ask: null }
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
  Cookies.set(name, encodeRecord(record), {
    expires: COOKIE_DAYS,
    path,
    sameSite,
    secure: secure || sameSite === 'None',
    ...(domain ? { domain } : {}),
  })
}

export function clearStored(config: Resolved): void {
  const { name, domain, path } = config.cookie
  Cookies.remove(name, { path, ...(domain ? { domain } : {}) })
}
