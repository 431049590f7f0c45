// PostgreSQL adapter (pg), for sites that run several collectors or outgrow one machine.
//
// Appends from every process are serialised by a transaction-scoped advisory lock: the
// transaction that holds it reads the head, chains its batch onto it and commits before the
// next one may read the head. pg answers the COMMIT only after it is durable (the default
// synchronous_commit=on), and the 201 follows that answer.

import type pg from 'pg'
import { frontierKeys, leafHash, nodeId, type NodeKey, type TreeNode } from '../merkle.js'
import { migrations } from './migrations.js'
import {
  BLANK,
  BY_JTI,
  CHECKPOINT_AT,
  INSERT_AUDIT_RUN,
  LAST_AUDIT_RUN,
  auditRunOf,
  auditRunParams,
  CHECKPOINTS_AFTER,
  COLUMNS,
  CURRENT_KEY,
  FORGET_NONCES,
  HEAD,
  INSERT,
  INSERT_CHECKPOINT,
  INSERT_KEY,
  KEYS,
  LATEST_CHECKPOINT,
  LEAVES_FROM,
  LEVEL_PAGE,
  NEIGHBOURS_OF_BATCH,
  RETIRE_KEY,
  TREE_SIZE,
  USE_NONCE,
  batchNeighboursOf,
  checkCurrent,
  insertMany,
  insertParams,
  keyParams,
  leafDataOf,
  pageQuery,
  subjectQuery,
  tombstoneSelect,
  tombstoneWhere,
  withBatch,
  COSIGNATURES_IN,
  INSERT_COSIGNATURE,
} from './sql.js'
import type { Cosignature } from '../witness.js'
import type { AppendOutcome, Head, KeyRecord, LogEntry, Repository, StoredCheckpoint } from './types.js'
import { BACKFILL_ADVANCE, BACKFILL_CHUNK, BACKFILL_ENTRIES, BACKFILL_STATE, Rollup, statsQueries, statsRows, upserts } from './rollup.js'

/** pg_advisory_xact_lock key for appends ("cnsl"); migrations take the next one. */
const APPEND_LOCK = 0x636e736c
const MIGRATE_LOCK = APPEND_LOCK + 1
/** Transaction lock of one integration (merkle tree + checkpoint). */
const TREE_LOCK = APPEND_LOCK + 2
/** Session lock held by the one integrator of the database while its connection lives. */
const INTEGRATOR_LOCK = APPEND_LOCK + 3

/** Stored nodes in one statement: level[], idx[], hash[]. */
const INSERT_NODES = `INSERT INTO log_tree (level, idx, hash) SELECT * FROM unnest(?::integer[], ?::bigint[], ?::bytea[])`

/** The leaves of `entries`, written with them (erasure later blanks the text, not the leaf). */
const leafParams = (entries: LogEntry[]): unknown[] => [entries.map(() => 0), entries.map((e) => e.logIndex - 1), entries.map((e) => leafHash(leafDataOf(e)))]

/** `?` → `$1, $2, …` so both adapters share sql.ts. */
const numbered = (sql: string): string => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export interface PostgresOptions {
  connectionString: string
  /** Pool size (default 10). */
  max?: number
  /** Errors of idle connections (a database restart); default console.error. */
  onIdleError?: (error: Error) => void
}

/** Connects a pool. pg is loaded only when PostgreSQL is used. */
export async function postgresRepository(options: PostgresOptions): Promise<Repository> {
  const { default: driver } = await import('pg')
  // BIGINT columns (indexes, milliseconds) come back as strings by default; they are far below
  // 2^53, so numbers are exact. A per-pool parser leaves the host application's pg alone.
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === driver.types.builtins.INT8
        ? (value: string) => Number(value)
        : driver.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
  }
  const pool = new driver.Pool({ connectionString: options.connectionString, max: options.max ?? 10, types })
  // Without a listener, an idle connection dropped by the server would crash the process; the
  // pool replaces it on the next query, so reporting is enough.
  pool.on('error', options.onIdleError ?? ((error) => console.error('consentry-collector: idle PostgreSQL connection lost:', error.message)))

  // biome-ignore lint/suspicious/noExplicitAny: pg's rows are untyped; each query's caller names its columns
  async function transaction<T>(lock: number, work: (q: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<T>): Promise<T> {
    const client = await pool.connect()
    const q = async (sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1)', [lock])
      const result = await work(q)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }
  const query = async (sql: string, params: unknown[] = []) => (await pool.query(numbered(sql), params)).rows
  let lease: pg.PoolClient | undefined
  const nodesOf = async (q: typeof query, keys: NodeKey[]): Promise<Map<string, Buffer>> => {
    const rows =
      keys.length === 0
        ? []
        : await q(
            `SELECT t.level, t.idx, t.hash FROM log_tree t JOIN unnest(?::integer[], ?::bigint[]) AS k(level, idx) ON t.level = k.level AND t.idx = k.idx`,
            [keys.map((k) => k.level), keys.map((k) => k.index)],
          )
    return new Map(rows.map((r) => [nodeId(r.level, Number(r.idx)), r.hash as Buffer]))
  }
  /** Adds entries to the statistics rollups, inside the caller's transaction. */
  const upsert = async (q: (sql: string, params?: unknown[]) => Promise<unknown[]>, rollup: Rollup) => {
    for (const { sql, params } of upserts(rollup)) await q(sql, params)
  }
  const rollUp = (q: (sql: string, params?: unknown[]) => Promise<unknown[]>, entries: Pick<LogEntry, 'kind' | 'jws' | 'receivedMs'>[]) =>
    upsert(q, new Rollup().addEntries(entries))
  const headOf = async (q: typeof query): Promise<Head> => ((await q(HEAD))[0] as Head | undefined) ?? { logIndex: 0, entryHash: '' }

  return {
    dialect: 'postgres',
    async migrate() {
      await transaction(MIGRATE_LOCK, async (q) => {
        await q('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)')
        const done = new Set((await q('SELECT version FROM schema_migrations')).map((r) => r.version as number))
        for (const m of migrations) {
          if (done.has(m.version)) continue
          await q(m.postgres)
          await q('INSERT INTO schema_migrations VALUES (?, ?, ?)', [m.version, m.name, Date.now()])
        }
      })
      // The statistics of a log older than the rollups (storage/rollup.ts), a chunk per
      // transaction; FOR UPDATE makes a second collector starting at once wait, not count twice.
      const state = (await query(BACKFILL_STATE))[0] as { boundary: number; done: number } | undefined
      for (let more = state !== undefined && state.done < state.boundary; more; ) {
        more = await transaction(MIGRATE_LOCK, async (q) => {
          const state = (await q(`${BACKFILL_STATE} FOR UPDATE`))[0] as { boundary: number; done: number } | undefined
          if (!state || state.done >= state.boundary) return false
          const through = Math.min(state.done + BACKFILL_CHUNK, state.boundary)
          await rollUp(q, await q(BACKFILL_ENTRIES, [state.done, through]))
          await q(BACKFILL_ADVANCE, [through])
          return through < state.boundary
        })
      }
    },
    async appendReceipts(batch, seal) {
      return transaction(APPEND_LOCK, async (q) => {
        // A fixed number of round trips per batch, whatever its size: the lock is held for
        // the whole transaction, so each one is a wait for every other append.
        // Duplicates: a jti repeated within the batch is found in `stored` too, since its
        // first copy is added there when sealed.
        const stored = new Map<string, LogEntry>()
        for (const row of await q(`SELECT ${COLUMNS} FROM log_entries WHERE jti = ANY(?)`, [batch.map((r) => r.jti)])) {
          stored.set(row.jti, row as LogEntry)
        }
        const neighbours = await q(NEIGHBOURS_OF_BATCH, [batch.map((r) => r.sub), batch.map((r) => r.kid), batch.map((r) => r.seq)])
        let last = await headOf(q)
        const fresh: LogEntry[] = []
        const rollup = new Rollup()
        const outcomes = batch.map((receipt, i): AppendOutcome => {
          const known = stored.get(receipt.jti)
          if (known) return { entry: known, duplicate: true }
          const entry = seal(last, receipt, withBatch(batchNeighboursOf(neighbours[i]), receipt, fresh))
          stored.set(entry.jti!, entry)
          fresh.push(entry)
          rollup.addEntry(entry, receipt.claims)
          last = entry
          return { entry, duplicate: false }
        })
        if (fresh.length > 0) {
          await q(insertMany(fresh.length), fresh.flatMap(insertParams))
          await q(INSERT_NODES, leafParams(fresh))
        }
        await upsert(q, rollup)
        return outcomes
      })
    },
    async tombstone(which, erasedMs, seal, limit) {
      return transaction(APPEND_LOCK, async (q) => {
        const select = tombstoneSelect(which, limit)
        const erased = (await q(select.sql, select.params)).map((r) => r.log_index as number)
        if (erased.length === 0) return { erased }
        const { where, params } = tombstoneWhere(which)
        await q(`${BLANK} WHERE ${where} AND log_index <= ?`, [erasedMs, ...params, erased[erased.length - 1]])
        const entry = seal(await headOf(q), erased)
        await q(INSERT, insertParams(entry))
        await q(INSERT_NODES, leafParams([entry]))
        return { erased, entry }
      })
    },
    async useNonce(nonce, nowMs, expiresMs) {
      await query(FORGET_NONCES, [nowMs])
      return (await query(`${USE_NONCE} RETURNING nonce`, [nonce, expiresMs])).length === 1
    },
    async findByJti(jti) {
      return (await query(BY_JTI, [jti]))[0] as LogEntry | undefined
    },
    async bySubject(subject) {
      const { sql, params } = subjectQuery(subject)
      return (await query(sql, params)) as LogEntry[]
    },
    async keys() {
      return (await query(KEYS)) as KeyRecord[]
    },
    async registerKey(key, retire) {
      await transaction(APPEND_LOCK, async (q) => {
        checkCurrent(((await q(CURRENT_KEY))[0] as { kid: string } | undefined)?.kid, key, retire)
        if (retire) await q(RETIRE_KEY, [retire.retiredMs, retire.endorsement, retire.kid])
        await q(INSERT_KEY, keyParams(key))
      })
    },
    async head() {
      return headOf(query)
    },
    async page(q) {
      const { sql, params } = pageQuery(q)
      return (await query(sql, params)) as LogEntry[]
    },
    async integrate(maxLeaves, grow) {
      return transaction(TREE_LOCK, async (q) => {
        const size = Number((await q(TREE_SIZE))[0].size)
        const leaves: Buffer[] = []
        for (const row of await q(LEAVES_FROM, [size, maxLeaves])) {
          if (Number(row.idx) !== size + leaves.length) break
          leaves.push(row.hash as Buffer)
        }
        if (leaves.length === 0) return undefined
        const { nodes, checkpoint } = grow(size, leaves, await nodesOf(q, frontierKeys(size)))
        const interior = nodes.filter((n) => n.level > 0)
        for (let at = 0; at < interior.length; at += 10000) {
          const chunk = interior.slice(at, at + 10000)
          await q(INSERT_NODES, [chunk.map((n) => n.level), chunk.map((n) => n.index), chunk.map((n) => n.hash)])
        }
        await q(INSERT_CHECKPOINT, [checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.createdMs])
        return checkpoint
      })
    },
    async claimIntegrator() {
      if (lease) return true
      const client = await pool.connect()
      let held = false
      try {
        held = (await client.query('SELECT pg_try_advisory_lock($1) AS held', [INTEGRATOR_LOCK])).rows[0].held === true
      } catch {
        held = false
      }
      if (!held) {
        client.release()
        return false
      }
      // The lock lives as long as this connection: if it breaks, another collector takes over.
      lease = client
      client.on('error', () => {
        if (lease === client) lease = undefined
        client.release(true)
      })
      return true
    },
    async treeNodes(keys) {
      return nodesOf(query, keys)
    },
    async treeLevel(level, afterIndex, limit) {
      return (await query(LEVEL_PAGE, [level, afterIndex, limit])).map((r) => ({ level: r.level, index: Number(r.index), hash: r.hash })) as TreeNode[]
    },
    async checkpoint(size) {
      return (size === undefined ? await query(LATEST_CHECKPOINT) : await query(CHECKPOINT_AT, [size]))[0] as StoredCheckpoint | undefined
    },
    async checkpoints(afterSize, limit) {
      return (await query(CHECKPOINTS_AFTER, [afterSize, limit])) as StoredCheckpoint[]
    },
    async addCosignature(c, receivedMs) {
      await query(INSERT_COSIGNATURE, [c.size, c.witness, c.keyId, c.time, c.signature, receivedMs])
    },
    async cosignatures(afterSize, toSize) {
      return (await query(COSIGNATURES_IN, [afterSize, toSize])) as Cosignature[]
    },
    async recordAudit(run) {
      await query(INSERT_AUDIT_RUN, auditRunParams(run))
    },
    async lastAudit() {
      return auditRunOf((await query(LAST_AUDIT_RUN))[0])
    },
    async stats(q) {
      const { rows, categories, params } = statsQueries(q)
      const [r, c] = await Promise.all([query(rows, params), query(categories, params)])
      return statsRows(r, c)
    },
    async close() {
      if (lease) lease.release(), (lease = undefined)
      await pool.end()
    },
  }
}
