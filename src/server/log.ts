// How a log entry is made: its place in the hash chain and the collector's countersignature.
//
//   entryHash = b64url(SHA-256(previous entryHash "\n" contentHash "\n" receivedAt "\n" logIndex))
//
// with "" as the previous hash of entry 1 and receivedAt as ISO 8601 UTC with milliseconds.
// The fields are base64url, ISO time and decimal, none of which contains "\n", so the
// concatenation is unambiguous. Audit recomputes exactly this (docs/collector.md).

import { canonicalJson } from '../receipts/digest.js'
import { checkLink } from '../receipts/verify.js'
import { sha256 } from './sha256.js'
import type { CollectorKey } from './keys.js'
import type { EntryKind, Head, LogEntry, SealReceipt, SealRecord } from './storage/types.js'

export const receivedAtOf = (ms: number): string => new Date(ms).toISOString()

export const entryHash = (previous: string, contentHash: string, receivedAt: string, logIndex: number): string =>
  sha256(`${previous}\n${contentHash}\n${receivedAt}\n${logIndex}`)

/** What the countersignature of `entry` signs; audit compares a countersignature's payload to it. */
export function countersigned(entry: LogEntry): Record<string, string | number> {
  const common = { sha256: entry.contentHash, receivedAt: receivedAtOf(entry.receivedMs), logIndex: entry.logIndex, entryHash: entry.entryHash }
  return entry.kind === 'receipt' ? { jti: entry.jti!, ...common } : { kind: entry.kind, ...common }
}

/** Sorted indexes as inclusive ranges, so a purge of a million entries stays a short record. */
export function toRanges(indexes: number[]): [number, number][] {
  const ranges: [number, number][] = []
  for (const i of indexes) {
    const last = ranges[ranges.length - 1]
    if (last && i === last[1] + 1) last[1] = i
    else ranges.push([i, i])
  }
  return ranges
}

function chainTo(head: Head, kind: EntryKind, contentHash: string, receivedMs: number, key: CollectorKey) {
  const logIndex = head.logIndex + 1
  const hash = entryHash(head.entryHash, contentHash, receivedAtOf(receivedMs), logIndex)
  return (fields: Omit<LogEntry, 'logIndex' | 'kind' | 'receivedMs' | 'contentHash' | 'entryHash' | 'countersignature'>): LogEntry => {
    const entry: LogEntry = { logIndex, kind, receivedMs, contentHash, entryHash: hash, countersignature: '', ...fields }
    entry.countersignature = key.sign(countersigned(entry))
    return entry
  }
}

const NO_RECEIPT = { jti: null, sub: null, kid: null, seq: null, iat: null, jws: null, chain: null, ip: null, erasedMs: null }

export function sealers(key: CollectorKey, now: () => number) {
  const receipt: SealReceipt = (head, r, neighbours) => {
    const breaks = checkLink(neighbours.previous, { jti: r.jti, seq: r.seq, kid: r.kid, hash: r.contentHash, prev: r.prev, reset: r.reset }, neighbours.same)
    return chainTo(
      head,
      'receipt',
      r.contentHash,
      now(),
      key,
    )({
      jti: r.jti,
      sub: r.sub,
      kid: r.kid,
      seq: r.seq,
      iat: r.iat,
      jws: r.jws,
      record: null,
      chain: breaks.length ? JSON.stringify(breaks) : null,
      ip: r.ip,
      erasedMs: null,
    })
  }
  /** An erasure or purge record; `details` must not name the consent id (that is what was erased). */
  const record =
    (kind: 'erasure' | 'purge', details: Record<string, string>): SealRecord =>
    (head, erased) => {
      const receivedMs = now()
      const text = canonicalJson({ kind, ...details, at: receivedAtOf(receivedMs), count: erased.length, erased: toRanges(erased) })
      return chainTo(head, kind, sha256(text), receivedMs, key)({ ...NO_RECEIPT, record: text })
    }
  return { receipt, record }
}
