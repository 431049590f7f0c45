// Admin export formats: one JSON object per line, or CSV with a header row.

import { receivedAtOf } from './log.js'
import type { LogEntry } from './storage/types.js'

export type ExportFormat = 'jsonl' | 'csv'

/** The exported view of an entry: times as ISO, chain and record parsed. */
function exportRow(e: LogEntry) {
  return {
    logIndex: e.logIndex,
    kind: e.kind,
    receivedAt: receivedAtOf(e.receivedMs),
    jti: e.jti,
    sub: e.sub,
    kid: e.kid,
    seq: e.seq,
    iat: e.iat,
    chain: e.chain === null ? null : (JSON.parse(e.chain) as unknown),
    ip: e.ip,
    erasedAt: e.erasedMs === null ? null : receivedAtOf(e.erasedMs),
    record: e.record === null ? null : (JSON.parse(e.record) as unknown),
    jws: e.jws,
    contentHash: e.contentHash,
    entryHash: e.entryHash,
    countersignature: e.countersignature,
  }
}

const CSV_COLUMNS = Object.keys(
  exportRow({
    logIndex: 0,
    kind: 'receipt',
    receivedMs: 0,
    contentHash: '',
    entryHash: '',
    countersignature: '',
    jti: null,
    sub: null,
    kid: null,
    seq: null,
    iat: null,
    jws: null,
    record: null,
    chain: null,
    ip: null,
    erasedMs: null,
  }),
)

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  // RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const csvHeader = (): string => CSV_COLUMNS.join(',') + '\r\n'

export function formatEntry(entry: LogEntry, format: ExportFormat): string {
  const row = exportRow(entry)
  if (format === 'jsonl') return JSON.stringify(row) + '\n'
  return CSV_COLUMNS.map((c) => csvCell(row[c as keyof typeof row])).join(',') + '\r\n'
}

/** The latest time a Date can hold (ECMA-262 §21.4.1.1); the stores compare 64-bit integers. */
const MAX_TIME_MS = 8.64e15

/**
 * ISO date/time or milliseconds since 1970 → ms; undefined when absent; throws RangeError when
 * unreadable or out of range, so that no store is ever asked to compare a number it cannot hold.
 */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    throw new RangeError(`${name}: expected an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z) or milliseconds since 1970, got ${JSON.stringify(value)}`)
  }
  return ms
}
