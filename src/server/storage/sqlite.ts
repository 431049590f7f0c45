// SQLite adapter (better-sqlite3): the embedded default.
//
// better-sqlite3 is synchronous, so a whole batch (lookups, sealing, inserts) runs inside one
// `BEGIN IMMEDIATE` transaction without yielding: no other request can see or interleave with
// a half-written batch, and BEGIN IMMEDIATE takes SQLite's single write lock up front, which
// also serialises other processes on the same file (e.g. `purge` while `serve` runs).
// WAL with synchronous=FULL: a commit has reached the disk before it returns, so a 201 that
// follows it survives SIGKILL and power loss alike.
//
// Because the driver is synchronous, SQLite's own busy wait would stop the event loop for as
// long as another process holds the write lock (a large purge, a backup): the collector would
// answer nothing, not even /healthz. So the driver waits at most BUSY_WAIT_MS per attempt, and
// the attempts are spaced by timers, so that other requests are served in between; after
// `maxWaitMs` the write fails with StoreBusyError, which the HTTP layer answers with
// 503 + Retry-After (docs/collector.md, "Limits").

import type Database from 'better-sqlite3'
import { frontierKeys, leafHash, nodeId, type NodeKey, type TreeNode } from '../merkle.js'
import type { Cosignature } from '../witness.js'
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
  COSIGNATURES_IN,
  CURRENT_KEY,
  INSERT_COSIGNATURE,
  FORGET_NONCES,
  HEAD,
  INSERT,
  INSERT_CHECKPOINT,
  INSERT_KEY,
  INSERT_NODE,
  JWS_AT,
  KEYS,
  LATEST_CHECKPOINT,
  LEAVES_FROM,
  LEVEL_PAGE,
  NEIGHBOURS,
  NODE,
  RETIRE_KEY,
  TREE_SIZE,
  USE_NONCE,
  checkCurrent,
  insertParams,
  keyParams,
  leafDataOf,
  neighboursOf,
  pageQuery,
  subjectQuery,
  tombstoneSelect,
  tombstoneWhere,
} from './sql.js'
import { BACKFILL_ADVANCE, BACKFILL_CHUNK, BACKFILL_ENTRIES, BACKFILL_STATE, Rollup, statsQueries, statsRows, upserts } from './rollup.js'
import {
  StoreBusyError,
  type AppendOutcome,
  type GrowTree,
  type Head,
  type IncomingReceipt,
  type KeyRecord,
  type LogEntry,
  type PageQuery,
  type Repository,
  type SealReceipt,
  type SealRecord,
  type StoredCheckpoint,
  type TombstoneSelector,
} from './types.js'

export interface SqliteOptions {
  /** FULL (default) survives power loss; NORMAL survives a process crash only. */
  synchronous?: 'FULL' | 'NORMAL'
  /** How long a write waits for another process's lock before StoreBusyError (default 2000 ms). */
  maxWaitMs?: number
}

/** The longest the event loop is blocked by one attempt to take the lock. */
const BUSY_WAIT_MS = 20

const isBusy = (error: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? '')

/** Opens (or creates) the database file. better-sqlite3 is loaded only when SQLite is used. */
export async function sqliteRepository(file: string, options: SqliteOptions = {}): Promise<Repository> {
  const { default: Sqlite } = await import('better-sqlite3')
  const db = new Sqlite(file)
  db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
  const maxWaitMs = options.maxWaitMs ?? 2000

  /** Runs a write, retrying on a busy database with timers in between, up to maxWaitMs. */
  async function write<T>(work: () => T): Promise<T> {
    const deadline = Date.now() + maxWaitMs
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      try {
        return work()
      } catch (error) {
        if (!isBusy(error)) throw error
        if (Date.now() + pause > deadline) {
          throw new StoreBusyError(`the SQLite database ${file} is locked by another process (for more than ${maxWaitMs} ms)`)
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pause))
    }
  }

  // Statements are prepared lazily: the table does not exist before migrate().
  const cache = new Map<string, Database.Statement>()
  const stmt = (sql: string): Database.Statement => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  const head = (): Head => (stmt(HEAD).get() as Head | undefined) ?? { logIndex: 0, entryHash: '' }
  // Each entry's leaf goes in with it, so that erasure (which blanks the text) keeps the leaf.
  const insert = (entry: LogEntry): void => {
    stmt(INSERT).run(...insertParams(entry))
    stmt(INSERT_NODE).run(entry.logIndex - 1, leafHash(leafDataOf(entry)))
  }
  const nodesOf = (keys: NodeKey[]): Map<string, Buffer> => {
    const found = new Map<string, Buffer>()
    for (const { level, index } of keys) {
      const row = stmt(NODE).get(level, index) as { hash: Buffer } | undefined
      if (row) found.set(nodeId(level, index), row.hash)
    }
    return found
  }
  /** A stored JWS by log index (a neighbour's, for its twin: sql.ts linkOf). */
  const jwsAt = (logIndex: number): string | null => (stmt(JWS_AT).get(logIndex) as { jws: string | null } | undefined)?.jws ?? null
  const treeSize = (): number => (stmt(TREE_SIZE).get() as { size: number }).size

  const integrateTx = db.transaction((maxLeaves: number, grow: GrowTree): StoredCheckpoint | undefined => {
    const size = treeSize()
    const leaves: Buffer[] = []
    for (const row of stmt(LEAVES_FROM).all(size, maxLeaves) as { idx: number; hash: Buffer }[]) {
      if (row.idx !== size + leaves.length) break
      leaves.push(row.hash)
    }
    if (leaves.length === 0) return undefined
    const { nodes, checkpoint } = grow(size, leaves, nodesOf(frontierKeys(size)))
    const insertNode = stmt('INSERT INTO log_tree (level, idx, hash) VALUES (?, ?, ?)')
    for (const n of nodes) if (n.level > 0) insertNode.run(n.level, n.index, n.hash)
    stmt(INSERT_CHECKPOINT).run(checkpoint.size, checkpoint.root, checkpoint.note, checkpoint.createdMs)
    return checkpoint
  })

  /** Adds entries to the statistics rollups (storage/rollup.ts), inside the caller's transaction. */
  const upsert = (rollup: Rollup): void => {
    for (const { sql, params } of upserts(rollup, 1)) stmt(sql).run(...params)
  }
  const rollUp = (entries: Iterable<Pick<LogEntry, 'kind' | 'jws' | 'receivedMs'>>): void => upsert(new Rollup().addEntries(entries))

  const appendTx = db.transaction((batch: IncomingReceipt[], seal: SealReceipt): AppendOutcome[] => {
    let last = head()
    const rollup = new Rollup()
    const outcomes = batch.map((receipt): AppendOutcome => {
      const stored = stmt(BY_JTI).get(receipt.jti) as LogEntry | undefined
      if (stored) return { entry: stored, duplicate: true }
      const rows = stmt(NEIGHBOURS).all(receipt.sub, receipt.kid, receipt.seq, receipt.sub, receipt.kid, receipt.seq)
      const entry = seal(last, receipt, neighboursOf(rows as never, jwsAt))
      insert(entry)
      rollup.addEntry(entry, receipt.claims)
      last = entry
      return { entry, duplicate: false }
    })
    upsert(rollup)
    return outcomes
  })

  /** One chunk of the statistics backfill; false once every entry up to the boundary is counted. */
  const backfillTx = db.transaction((): boolean => {
    const state = stmt(BACKFILL_STATE).get() as { boundary: number; done: number } | undefined
    if (!state || state.done >= state.boundary) return false
    const through = Math.min(state.done + BACKFILL_CHUNK, state.boundary)
    rollUp(stmt(BACKFILL_ENTRIES).all(state.done, through) as LogEntry[])
    stmt(BACKFILL_ADVANCE).run(through)
    return through < state.boundary
  })

  const tombstoneTx = db.transaction((which: TombstoneSelector, erasedMs: number, seal: SealRecord, limit?: number) => {
    const select = tombstoneSelect(which, limit)
    const erased = db
      .prepare(select.sql)
      .pluck()
      .all(...select.params) as number[]
    if (erased.length === 0) return { erased }
    const { where, params } = tombstoneWhere(which)
    db.prepare(`${BLANK} WHERE ${where} AND log_index <= ?`).run(erasedMs, ...params, erased[erased.length - 1])
    const entry = seal(head(), erased)
    insert(entry)
    return { erased, entry }
  })

  const registerTx = db.transaction((key: KeyRecord, retire?: { kid: string; retiredMs: number; endorsement: string }) => {
    checkCurrent((stmt(CURRENT_KEY).get() as { kid: string } | undefined)?.kid, key, retire)
    if (retire) stmt(RETIRE_KEY).run(retire.retiredMs, retire.endorsement, retire.kid)
    stmt(INSERT_KEY).run(...keyParams(key))
  })

  return {
    dialect: 'sqlite',
    async migrate() {
      // Up to date (every start but the first): nothing to write, so no write lock to wait for.
      const pending = () => {
        const known = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get()
        const done = new Set(known ? (db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]) : [])
        return migrations.filter((m) => !done.has(m.version))
      }
      // The statistics of a log older than the rollups, a chunk per transaction (resumable).
      // Read first: once it is done (every start but one) no write lock is taken, so a start
      // does not wait for another process that holds it.
      const backfill = async () => {
        const pendingBackfill = () => {
          const known = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stats_backfill'`).get()
          const state = known ? (stmt(BACKFILL_STATE).get() as { boundary: number; done: number } | undefined) : undefined
          return state !== undefined && state.done < state.boundary
        }
        if (!pendingBackfill()) return
        while (await write(() => backfillTx.immediate()));
      }
      if (pending().length === 0) return backfill()
      await write(() =>
        db
          .transaction(() => {
            db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)')
            for (const m of pending()) {
              db.exec(m.sqlite)
              // The leaves of the entries written before the tree existed (SQLite has no SHA-256).
              if (m.version === 4) {
                const add = db.prepare(INSERT_NODE)
                for (const e of db
                  .prepare('SELECT log_index AS "logIndex", jws, record, content_hash AS "contentHash" FROM log_entries ORDER BY log_index')
                  .iterate() as Iterable<LogEntry>) {
                  add.run(e.logIndex - 1, leafHash(leafDataOf(e)))
                }
              }
              db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
            }
          })
          .immediate(),
      )
      await backfill()
    },
    appendReceipts: (batch, seal) => write(() => appendTx.immediate(batch, seal)),
    tombstone: (which, erasedMs, seal, limit) => write(() => tombstoneTx.immediate(which, erasedMs, seal, limit)),
    useNonce: (nonce, nowMs, expiresMs) =>
      write(() =>
        db
          .transaction(() => {
            stmt(FORGET_NONCES).run(nowMs)
            return stmt(USE_NONCE).run(nonce, expiresMs).changes === 1
          })
          .immediate(),
      ),
    async findByJti(jti) {
      return stmt(BY_JTI).get(jti) as LogEntry | undefined
    },
    async bySubject(query) {
      const { sql, params } = subjectQuery(query)
      return stmt(sql).all(...params) as LogEntry[]
    },
    async keys() {
      return stmt(KEYS).all() as KeyRecord[]
    },
    registerKey: (key, retire) => write(() => registerTx.immediate(key, retire)),
    async head() {
      return head()
    },
    async page(query: PageQuery) {
      const { sql, params } = pageQuery(query)
      return stmt(sql).all(...params) as LogEntry[]
    },
    integrate: (maxLeaves, grow) => write(() => integrateTx.immediate(maxLeaves, grow)),
    // One process writes a SQLite file at a time anyway (BEGIN IMMEDIATE), and integrate()
    // re-reads the size under that lock: any number of integrators stays correct.
    async claimIntegrator() {
      return true
    },
    async treeNodes(keys) {
      return nodesOf(keys)
    },
    async treeLevel(level, afterIndex, limit) {
      return stmt(LEVEL_PAGE).all(level, afterIndex, limit) as TreeNode[]
    },
    async checkpoint(size) {
      return (size === undefined ? stmt(LATEST_CHECKPOINT).get() : stmt(CHECKPOINT_AT).get(size)) as StoredCheckpoint | undefined
    },
    async checkpoints(afterSize, limit) {
      return stmt(CHECKPOINTS_AFTER).all(afterSize, limit) as StoredCheckpoint[]
    },
    addCosignature: (c, receivedMs) => write(() => void stmt(INSERT_COSIGNATURE).run(c.size, c.witness, c.keyId, c.time, c.signature, receivedMs)),
    async cosignatures(afterSize, toSize) {
      return stmt(COSIGNATURES_IN).all(afterSize, toSize) as Cosignature[]
    },
    recordAudit: (run) => write(() => void stmt(INSERT_AUDIT_RUN).run(...auditRunParams(run))),
    async lastAudit() {
      return auditRunOf(stmt(LAST_AUDIT_RUN).get() as Record<string, unknown> | undefined)
    },
    async stats(query) {
      const q = statsQueries(query)
      return statsRows(stmt(q.rows).all(...q.params) as never, stmt(q.categories).all(...q.params) as never)
    },
    async close() {
      db.close()
    },
  }
}
