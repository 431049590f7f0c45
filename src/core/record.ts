// The consent cookie's value (docs/architecture.md, "Stored state"): a compact, versioned string.
//
//   1.<id>.<revision>.<decided, s, base36>.<expires, s, base36>.<allowed categories>.<allowed services>[.<source>[.p][.<checked>]]
//
// Lists are joined with "+"; everything configured but not listed was refused,
// so refusals are remembered as precisely as acceptances — except in a partial
// record (".p": a placeholder's "Always allow" before any decision), where what is
// not listed was never decided. The source and the partial mark came later: a
// record without them (older SDKs wrote none) reads as a full decision of unknown source.
// `checked` came last: the fingerprint of the config that had passed its check when the record
// was written (src/config/fingerprint.ts), after an empty partial mark when the record is whole.

import type { ReceiptSource } from '../receipts/types.js'

export interface ConsentRecord {
  id: string
  revision: number
  /** Seconds since the epoch. */
  decidedAt: number
  /** Seconds since the epoch; after it the visitor is asked again. */
  expiresAt: number
  categories: string[]
  services: string[]
  /** Where the decision was made; absent in records older SDKs wrote. */
  source?: ReceiptSource
  /** Only the listed names were decided (allowed); the visitor is still asked about the rest. */
  partial?: boolean
  /** The fingerprint of the checked config this record was written under (src/config/fingerprint.ts). */
  checked?: string
}

/** Browsers cap a cookie at 4096 bytes; anything near that is not ours. */
const MAX_LENGTH = 3072

const ID = /^[A-Za-z0-9_-]{8,64}$/
const NAMES = /^([A-Za-z][\w-]*(:[A-Za-z][\w-]*)?(\+[A-Za-z][\w-]*(:[A-Za-z][\w-]*)?)*)?$/
const B36 = /^[0-9a-z]{1,10}$/

export const encodeRecord = (r: ConsentRecord): string =>
  ['1', r.id, r.revision, r.decidedAt.toString(36), r.expiresAt.toString(36), r.categories.join('+'), r.services.join('+')].join('.') +
  (r.source ? '.' + r.source + (r.partial ? '.p' : r.checked ? '.' : '') + (r.checked ? '.' + r.checked : '') : '')

/** null for anything that is not a well-formed version-1 record: never throws. */
export function decodeRecord(value: unknown): ConsentRecord | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return null
  const [version, id, revision, decided, expires, categories, services, source, partial, checked, ...rest] = value.split('.')
  if (
    version !== '1' ||
    rest.length ||
    !/^(banner|preferences|api|gpc|placeholder)$/.test(source ?? 'api') ||
    !/^p?$/.test(partial ?? '') ||
    !/^[0-9a-z]{0,13}$/.test(checked ?? '') ||
    services === undefined ||
    !ID.test(id) ||
    !/^\d{1,9}$/.test(revision) ||
    !B36.test(decided) ||
    !B36.test(expires) ||
    !NAMES.test(categories) ||
    !NAMES.test(services)
  )
    return null
  return {
    id,
    revision: Number(revision),
    decidedAt: parseInt(decided, 36),
    expiresAt: parseInt(expires, 36),
    categories: categories ? categories.split('+') : [],
    services: services ? services.split('+') : [],
    // Absent (undefined) in records older SDKs wrote.
    source: (source || undefined) as ReceiptSource | undefined,
    partial: partial ? true : undefined,
    checked: checked || undefined,
  }
}
