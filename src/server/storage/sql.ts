// SQL shared by the adapters. Written with `?` placeholders (SQLite); postgres.ts numbers
// them. Quoted aliases give camelCase keys in both dialects, so rows are LogEntry as read.

import type { ChainLink } from '../../receipts/verify.js'
import { twinHash } from '../twin.js'
import { KeyConflictError } from './types.js'
import type { AuditRun, KeyRecord, LogEntry, Neighbours, PageQuery, SubjectQuery, TombstoneSelector } from './types.js'

export const COLUMNS = `log_index AS "logIndex", kind, received_ms AS "receivedMs", content_hash AS "contentHash",
  entry_hash AS "entryHash", countersignature, jti, sub, kid, seq, iat, jws, record, chain, ip, erased_ms AS "erasedMs"`

export const INSERT = `INSERT INTO log_entries (log_index, kind, received_ms, content_hash, entry_hash, countersignature,
  jti, sub, kid, seq, iat, jws, record, chain, ip, erased_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

export const insertParams = (e: LogEntry): unknown[] => [
  e.logIndex,
  e.kind,
  e.receivedMs,
  e.contentHash,
  e.entryHash,
  e.countersignature,
  e.jti,
  e.sub,
  e.kid,
  e.seq,
  e.iat,
  e.jws,
  e.record,
  e.chain,
  e.ip,
  e.erasedMs,
]

export const HEAD = `SELECT log_index AS "logIndex", entry_hash AS "entryHash" FROM log_entries ORDER BY log_index DESC LIMIT 1`

export const BY_JTI = `SELECT ${COLUMNS} FROM log_entries WHERE jti = ?`

/** Params: sub, [kid,] afterIndex, limit. */
export function subjectQuery(q: SubjectQuery): { sql: string; params: unknown[] } {
  const byKey = q.kid !== undefined
  return {
    sql: `SELECT ${COLUMNS} FROM log_entries WHERE sub = ?${byKey ? ' AND kid = ?' : ''} AND log_index > ? ORDER BY log_index LIMIT ?`,
    params: byKey ? [q.sub, q.kid, q.afterIndex, q.limit] : [q.sub, q.afterIndex, q.limit],
  }
}

// A receipt's chain is its consent id's receipts signed by the same key (seq counts per key):
// a receipt someone else signs for the same consent id starts a chain of its own, and can never
// put a break into the chain of the browser that owns the id (docs/collector.md, "Chains").

/**
 * Params: sub, kid, seq, sub, kid, seq. The role column says which neighbour a row is. Not the
 * JWS: only a `prev` that is not the stored hash needs it (for the twin), and SQLite reads it
 * then, by log index, inside the same transaction (neighboursOf).
 */
export const NEIGHBOURS = `
  SELECT * FROM (SELECT 'same' AS role, jti, seq, kid, content_hash AS hash, log_index AS "logIndex" FROM log_entries
                 WHERE sub = ? AND kid = ? AND seq = ? ORDER BY log_index DESC LIMIT 1) AS same_seq
  UNION ALL
  SELECT * FROM (SELECT 'previous' AS role, jti, seq, kid, content_hash AS hash, log_index AS "logIndex" FROM log_entries
                 WHERE sub = ? AND kid = ? AND seq < ? ORDER BY seq DESC, log_index DESC LIMIT 1) AS previous_seq`

/** Params: log index. A neighbour's JWS, read only when its twin is asked for. */
export const JWS_AT = `SELECT jws FROM log_entries WHERE log_index = ?`

/**
 * NEIGHBOURS for a whole batch in one query (PostgreSQL): params subs[], kids[], seqs[]; one row
 * per batch position `i` (1-based), with the same_* and previous_* columns null where none exists.
 */
export const NEIGHBOURS_OF_BATCH = `
  SELECT b.i, s.jti AS same_jti, s.seq AS same_seq, s.kid AS same_kid, s.hash AS same_hash, s.jws AS same_jws,
         p.jti AS previous_jti, p.seq AS previous_seq, p.kid AS previous_kid, p.hash AS previous_hash, p.jws AS previous_jws
  FROM unnest(?::text[], ?::text[], ?::integer[]) WITH ORDINALITY AS b(sub, kid, seq, i)
  LEFT JOIN LATERAL (SELECT jti, seq, kid, content_hash AS hash, jws FROM log_entries
                     WHERE sub = b.sub AND kid = b.kid AND seq = b.seq ORDER BY log_index DESC LIMIT 1) s ON true
  LEFT JOIN LATERAL (SELECT jti, seq, kid, content_hash AS hash, jws FROM log_entries
                     WHERE sub = b.sub AND kid = b.kid AND seq < b.seq ORDER BY seq DESC, log_index DESC LIMIT 1) p ON true
  ORDER BY b.i`

type Role = 'same' | 'previous'
type BatchRow = Record<`${Role}_${'jti' | 'seq' | 'kid' | 'hash' | 'jws'}`, string | number | null>

/**
 * A stored receipt as a chain link; `twin` accepts a `prev` made from its mirrored signature.
 * The twin's hash is worked out only when asked for: checkLink needs it only when `prev` is not
 * the stored hash, which for a browser's own chain is never (a mirror and a hash of the whole
 * JWS would otherwise cost every receipt about 8 µs per neighbour). `jws` is the JWS, or reads
 * it when called (SQLite, inside the append transaction: no JWS read for a link never asked).
 */
const linkOf = (jti: string, seq: number, kid: string, hash: string, jws: string | null | (() => string | null)): ChainLink =>
  jws
    ? {
        jti,
        seq,
        kid,
        hash,
        get twin() {
          const text = typeof jws === 'function' ? jws() : jws
          return text === null ? undefined : twinHash(text)
        },
      }
    : { jti, seq, kid, hash }

export function batchNeighboursOf(row: BatchRow): Neighbours {
  const link = (role: Role) =>
    row[`${role}_jti`] === null
      ? undefined
      : linkOf(
          String(row[`${role}_jti`]),
          Number(row[`${role}_seq`]),
          String(row[`${role}_kid`]),
          String(row[`${role}_hash`]),
          row[`${role}_jws`] as string | null,
        )
  return { same: link('same'), previous: link('previous') }
}

/**
 * The neighbours of `next` once the entries appended earlier in the same batch (log order) are
 * counted too: what NEIGHBOURS would return if those were already stored.
 */
export function withBatch(stored: Neighbours, next: { sub: string; kid: string; seq: number }, earlier: LogEntry[]): Neighbours {
  let { same, previous } = stored
  for (const e of earlier) {
    if (e.sub !== next.sub || e.kid !== next.kid || e.seq === null) continue
    const link = linkOf(e.jti!, e.seq, e.kid, e.contentHash, e.jws)
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

/** The log indexes to blank, oldest first, at most `limit` of them. */
export function tombstoneSelect(which: TombstoneSelector, limit?: number): { sql: string; params: unknown[] } {
  const { where, params } = tombstoneWhere(which)
  return limit === undefined
    ? { sql: `SELECT log_index FROM log_entries WHERE ${where} ORDER BY log_index`, params }
    : { sql: `SELECT log_index FROM log_entries WHERE ${where} ORDER BY log_index LIMIT ?`, params: [...params, limit] }
}

/** Erasure blanks everything that could identify the visitor; hashes and the jti stay. */
export const BLANK = `UPDATE log_entries SET sub = NULL, kid = NULL, seq = NULL, iat = NULL, jws = NULL,
  chain = NULL, ip = NULL, erased_ms = ?`

export function pageQuery(q: PageQuery): { sql: string; params: unknown[] } {
  const clauses = ['log_index > ?']
  const params: unknown[] = [q.afterIndex]
  if (q.fromMs !== undefined) clauses.push('received_ms >= ?'), params.push(q.fromMs)
  if (q.toMs !== undefined) clauses.push('received_ms < ?'), params.push(q.toMs)
  params.push(q.limit)
  return { sql: `SELECT ${COLUMNS} FROM log_entries WHERE ${clauses.join(' AND ')} ORDER BY log_index LIMIT ?`, params }
}

type Row = { role: Role; jti: string; seq: number; kid: string; hash: string; logIndex: number }

/** The rows of NEIGHBOURS as links; `jwsAt` reads a stored JWS by log index (see linkOf). */
export function neighboursOf(rows: Row[], jwsAt: (logIndex: number) => string | null): Neighbours {
  const link = (r: Row | undefined) => r && linkOf(r.jti, Number(r.seq), r.kid, r.hash, () => jwsAt(r.logIndex))
  return { same: link(rows.find((r) => r.role === 'same')), previous: link(rows.find((r) => r.role === 'previous')) }
}

export const KEYS = `SELECT kid, jwk, status, created_ms AS "createdMs", retired_ms AS "retiredMs", endorsement
  FROM collector_keys ORDER BY created_ms, kid`

export const CURRENT_KEY = `SELECT kid FROM collector_keys WHERE status = 'current'`

export const INSERT_KEY = `INSERT INTO collector_keys (kid, jwk, status, created_ms, retired_ms, endorsement) VALUES (?, ?, ?, ?, ?, ?)`

export const keyParams = (k: KeyRecord): unknown[] => [k.kid, k.jwk, k.status, k.createdMs, k.retiredMs, k.endorsement]

/** Params: retiredMs, endorsement, kid. */
export const RETIRE_KEY = `UPDATE collector_keys SET status = 'retired', retired_ms = ?, endorsement = ? WHERE kid = ?`

/** Checks, inside the registering transaction, that the current key is the one to replace. */
export function checkCurrent(current: string | undefined, key: KeyRecord, retire: { kid: string } | undefined): void {
  if (current === (retire?.kid ?? undefined)) return
  throw new KeyConflictError(
    current === undefined
      ? `the log has no current key to retire (expected ${retire!.kid})`
      : `the log's current key is ${current}, not ${retire?.kid ?? 'none'}; refusing to make ${key.kid} current`,
  )
}

// The Merkle tree (migration 4, merkle.ts).

/** The data an entry's leaf hashes: its JWS, its record, or (erased before the tree existed) its content hash. */
export const leafDataOf = (e: Pick<LogEntry, 'jws' | 'record' | 'contentHash'>): string => e.jws ?? e.record ?? e.contentHash

/** Params: idx, hash. */
export const INSERT_NODE = `INSERT INTO log_tree (level, idx, hash) VALUES (0, ?, ?)`

/** Params: level, idx. */
export const NODE = `SELECT hash FROM log_tree WHERE level = ? AND idx = ?`

export const TREE_SIZE = `SELECT COALESCE(MAX(tree_size), 0) AS size FROM log_checkpoints`

/** Params: from idx, limit. Leaves not yet in a checkpoint, in order. */
export const LEAVES_FROM = `SELECT idx, hash FROM log_tree WHERE level = 0 AND idx >= ? ORDER BY idx LIMIT ?`

/** Params: level, after idx, limit. */
export const LEVEL_PAGE = `SELECT level, idx AS "index", hash FROM log_tree WHERE level = ? AND idx > ? ORDER BY idx LIMIT ?`

const CHECKPOINT_COLUMNS = `tree_size AS "size", root_hash AS "root", note, created_ms AS "createdMs"`

export const INSERT_CHECKPOINT = `INSERT INTO log_checkpoints (tree_size, root_hash, note, created_ms) VALUES (?, ?, ?, ?)`

export const LATEST_CHECKPOINT = `SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1`

/** Params: size. */
export const CHECKPOINT_AT = `SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints WHERE tree_size = ?`

/** Params: after size, limit. */
export const CHECKPOINTS_AFTER = `SELECT ${CHECKPOINT_COLUMNS} FROM log_checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT ?`

/** Params: ran ms, ok (0/1), entries, tree size, findings, first finding, signatures checked (0/1). */
export const INSERT_AUDIT_RUN = `INSERT INTO audit_runs (ran_ms, ok, entries, tree_size, findings, first_finding, signatures_checked) VALUES (?, ?, ?, ?, ?, ?, ?)`

export const auditRunParams = (r: AuditRun): unknown[] => [
  r.ranMs,
  r.ok ? 1 : 0,
  r.entries,
  r.treeSize,
  r.findings,
  r.firstFinding,
  r.signaturesChecked ? 1 : 0,
]

export const LAST_AUDIT_RUN = `SELECT ran_ms AS "ranMs", ok, entries, tree_size AS "treeSize", findings, first_finding AS "firstFinding",
  signatures_checked AS "signaturesChecked" FROM audit_runs ORDER BY ran_ms DESC LIMIT 1`

/** A row of LAST_AUDIT_RUN: both dialects keep the flags as 0/1 integers. */
export const auditRunOf = (row: Record<string, unknown> | undefined): AuditRun | undefined =>
  row && {
    ranMs: Number(row.ranMs),
    ok: Number(row.ok) === 1,
    entries: Number(row.entries),
    treeSize: Number(row.treeSize),
    findings: Number(row.findings),
    firstFinding: (row.firstFinding as string | null) ?? null,
    signaturesChecked: Number(row.signaturesChecked) === 1,
  }

const COSIGNATURE_COLUMNS = `tree_size AS "size", witness, key_id AS "keyId", cosigned_s AS "time", signature`

/** Params: size, witness, key id, time, signature, received ms. A witness's second cosignature of one size is ignored. */
export const INSERT_COSIGNATURE = `INSERT INTO log_cosignatures (tree_size, witness, key_id, cosigned_s, signature, received_ms) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (tree_size, witness, key_id) DO NOTHING`

/** Params: after size, to size (a page of the checkpoint history, or one checkpoint: size − 1, size). */
export const COSIGNATURES_IN = `SELECT ${COSIGNATURE_COLUMNS} FROM log_cosignatures WHERE tree_size > ? AND tree_size <= ? ORDER BY tree_size, received_ms, witness`
