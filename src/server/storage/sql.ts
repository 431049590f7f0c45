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

/**
 * NEIGHBOURS for a whole batch in one query (PostgreSQL): params subs[], seqs[]; one row per
 * batch position `i` (1-based), with the same_* and previous_* columns null where none exists.
 */
export const NEIGHBOURS_OF_BATCH = `
  SELECT b.i, s.jti AS same_jti, s.seq AS same_seq, s.kid AS same_kid, s.hash AS same_hash,
         p.jti AS previous_jti, p.seq AS previous_seq, p.kid AS previous_kid, p.hash AS previous_hash
  FROM unnest(?::text[], ?::integer[]) WITH ORDINALITY AS b(sub, seq, i)
  LEFT JOIN LATERAL (SELECT jti, seq, kid, content_hash AS hash FROM log_entries
                     WHERE sub = b.sub AND seq = b.seq ORDER BY log_index DESC LIMIT 1) s ON true
  LEFT JOIN LATERAL (SELECT jti, seq, kid, content_hash AS hash FROM log_entries
                     WHERE sub = b.sub AND seq < b.seq ORDER BY seq DESC, log_index DESC LIMIT 1) p ON true
  ORDER BY b.i`

type BatchRow = Record<`${'same' | 'previous'}_${'jti' | 'seq' | 'kid' | 'hash'}`, string | number | null>

export function batchNeighboursOf(row: BatchRow): Neighbours {
  const link = (role: 'same' | 'previous') =>
    row[`${role}_jti`] === null ? undefined : { jti: String(row[`${role}_jti`]), seq: Number(row[`${role}_seq`]), kid: String(row[`${role}_kid`]), hash: String(row[`${role}_hash`]) }
  return { same: link('same'), previous: link('previous') }
}

/**
 * The neighbours of `next` once the entries appended earlier in the same batch (log order) are
 * counted too: what NEIGHBOURS would return if those were already stored.
 */
export function withBatch(stored: Neighbours, next: { sub: string; seq: number }, earlier: LogEntry[]): Neighbours {
  let { same, previous } = stored
  for (const e of earlier) {
    if (e.sub !== next.sub || e.seq === null) continue
    const link = { jti: e.jti!, seq: e.seq, kid: e.kid!, hash: e.contentHash }
    // Later log entries win ties, as ORDER BY log_index DESC does.
    if (e.seq === next.seq) same = link
    else if (e.seq < next.seq && (!previous || e.seq >= previous.seq)) previous = link
  }
  return { same, previous }
}

/** INSERT of `count` rows in one statement. */
export const insertMany = (count: number): string =>
  `${INSERT.slice(0, INSERT.indexOf('VALUES'))}VALUES ${Array.from({ length: count }, () => `(${Array(16).fill('?').join(', ')})`).join(', ')}`

/** Params: nonce, expiresMs. Inserts nothing for a nonce already there (both dialects). */
export const USE_NONCE = `INSERT INTO proof_nonces (nonce, expires_ms) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING`

/** Params: nowMs. */
export const FORGET_NONCES = `DELETE FROM proof_nonces WHERE expires_ms <= ?`

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
