// SQL shared by the adapters. Written with `?` placeholders (SQLite); postgres.ts numbers
// them. Quoted aliases give camelCase keys in both dialects, so rows are LogEntry as read.

import type { LogEntry, Neighbours, PageQuery, TombstoneSelector } from './types.js'

export const COLUMNS = `log_index AS "logIndex", kind, received_ms AS "receivedMs", content_hash AS "contentHash",
  entry_hash AS "entryHash", countersignature, jti, sub, kid, seq, iat, jws, record, chain, ip, erased_ms AS "erasedMs"`

export const INSERT = `INSERT INTO log_entries (log_index, kind, received_ms, content_hash, entry_hash, countersignature,
  jti, sub, kid, seq, iat, jws, record, chain, ip, erased_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

export const insertParams = (e: LogEntry): unknown[] => [
  e.logIndex, e.kind, e.receivedMs, e.contentHash, e.entryHash, e.countersignature,
  e.jti, e.sub, e.kid, e.seq, e.iat, e.jws, e.record, e.chain, e.ip, e.erasedMs,
]

export const HEAD = `SELECT log_index AS "logIndex", entry_hash AS "entryHash" FROM log_entries ORDER BY log_index DESC LIMIT 1`

export const BY_JTI = `SELECT ${COLUMNS} FROM log_entries WHERE jti = ?`

export const BY_SUBJECT = `SELECT ${COLUMNS} FROM log_entries WHERE sub = ? ORDER BY log_index`

/** Params: sub, seq, sub, seq. The role column says which neighbour a row is. */
export const NEIGHBOURS = `
  SELECT * FROM (SELECT 'same' AS role, jti, seq, kid, content_hash AS hash FROM log_entries
                 WHERE sub = ? AND seq = ? ORDER BY log_index DESC LIMIT 1) AS same_seq
  UNION ALL
  SELECT * FROM (SELECT 'previous' AS role, jti, seq, kid, content_hash AS hash FROM log_entries
                 WHERE sub = ? AND seq < ? ORDER BY seq DESC, log_index DESC LIMIT 1) AS previous_seq`

export function tombstoneWhere(which: TombstoneSelector): { where: string; params: unknown[] } {
  return 'sub' in which
    ? { where: `kind = 'receipt' AND erased_ms IS NULL AND sub = ?`, params: [which.sub] }
    : { where: `kind = 'receipt' AND erased_ms IS NULL AND received_ms < ?`, params: [which.beforeMs] }
}

/** Erasure blanks everything that could identify the visitor; hashes and the jti stay. */
export const BLANK = `UPDATE log_entries SET sub = NULL, kid = NULL, seq = NULL, iat = NULL, jws = NULL,
  chain = NULL, ip = NULL, erased_ms = ?`

export function pageQuery(q: PageQuery): { sql: string; params: unknown[] } {
  const clauses = ['log_index > ?']
  const params: unknown[] = [q.afterIndex]
  if (q.fromMs !== undefined) (clauses.push('received_ms >= ?'), params.push(q.fromMs))
  if (q.toMs !== undefined) (clauses.push('received_ms < ?'), params.push(q.toMs))
  params.push(q.limit)
  return { sql: `SELECT ${COLUMNS} FROM log_entries WHERE ${clauses.join(' AND ')} ORDER BY log_index LIMIT ?`, params }
}

type Row = { role: 'same' | 'previous'; jti: string; seq: number; kid: string; hash: string }

export function neighboursOf(rows: Row[]): Neighbours {
  const link = (r: Row | undefined) => r && { jti: r.jti, seq: Number(r.seq), kid: r.kid, hash: r.hash }
  return { same: link(rows.find((r) => r.role === 'same')), previous: link(rows.find((r) => r.role === 'previous')) }
}
