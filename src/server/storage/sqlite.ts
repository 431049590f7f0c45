// SQLite adapter (better-sqlite3): the embedded default.
//
// better-sqlite3 is synchronous, so a whole batch (lookups, sealing, inserts) runs inside one
// `BEGIN IMMEDIATE` transaction without yielding: no other request can see or interleave with
// a half-written batch, and BEGIN IMMEDIATE takes SQLite's single write lock up front, which
// also serialises other processes on the same file (e.g. `purge` while `serve` runs).
// WAL with synchronous=FULL: a commit has reached the disk before it returns, so a 201 that
// follows it survives SIGKILL and power loss alike.

import type Database from 'better-sqlite3'
import { migrations } from './migrations.js'
import { BLANK, BY_JTI, BY_SUBJECT, FORGET_NONCES, HEAD, INSERT, NEIGHBOURS, USE_NONCE, insertParams, neighboursOf, pageQuery, tombstoneWhere } from './sql.js'
import type { AppendOutcome, Head, IncomingReceipt, LogEntry, PageQuery, Repository, SealReceipt, SealRecord, TombstoneSelector } from './types.js'

export interface SqliteOptions {
  /** FULL (default) survives power loss; NORMAL survives a process crash only. */
  synchronous?: 'FULL' | 'NORMAL'
}

/** Opens (or creates) the database file. better-sqlite3 is loaded only when SQLite is used. */
export async function sqliteRepository(file: string, options: SqliteOptions = {}): Promise<Repository> {
  const { default: Sqlite } = await import('better-sqlite3')
  const db = new Sqlite(file)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
  db.pragma('busy_timeout = 5000')

  // Statements are prepared lazily: the table does not exist before migrate().
  const cache = new Map<string, Database.Statement>()
  const stmt = (sql: string): Database.Statement => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  const head = (): Head => (stmt(HEAD).get() as Head | undefined) ?? { logIndex: 0, entryHash: '' }
  const insert = (entry: LogEntry): void => void stmt(INSERT).run(...insertParams(entry))

  const appendTx = db.transaction((batch: IncomingReceipt[], seal: SealReceipt): AppendOutcome[] => {
    let last = head()
    return batch.map((receipt) => {
      const stored = stmt(BY_JTI).get(receipt.jti) as LogEntry | undefined
      if (stored) return { entry: stored, duplicate: true }
      const rows = stmt(NEIGHBOURS).all(receipt.sub, receipt.seq, receipt.sub, receipt.seq)
      const entry = seal(last, receipt, neighboursOf(rows as never))
      insert(entry)
      last = entry
      return { entry, duplicate: false }
    })
  })

  const tombstoneTx = db.transaction((which: TombstoneSelector, erasedMs: number, seal: SealRecord) => {
    const { where, params } = tombstoneWhere(which)
    const erased = (db.prepare(`SELECT log_index FROM log_entries WHERE ${where} ORDER BY log_index`).pluck().all(...params) as number[])
    if (erased.length === 0) return { erased }
    db.prepare(`${BLANK} WHERE ${where}`).run(erasedMs, ...params)
    const entry = seal(head(), erased)
    insert(entry)
    return { erased, entry }
  })

  return {
    dialect: 'sqlite',
    async migrate() {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)')
      db.transaction(() => {
        const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
        for (const m of migrations) {
          if (done.has(m.version)) continue
          db.exec(m.sqlite)
          db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
        }
      }).immediate()
    },
    async appendReceipts(batch, seal) {
      return appendTx.immediate(batch, seal)
    },
    async tombstone(which, erasedMs, seal) {
      return tombstoneTx.immediate(which, erasedMs, seal)
    },
    async useNonce(nonce, nowMs, expiresMs) {
      return db.transaction(() => {
        stmt(FORGET_NONCES).run(nowMs)
        return stmt(USE_NONCE).run(nonce, expiresMs).changes === 1
      }).immediate()
    },
    async findByJti(jti) {
      return stmt(BY_JTI).get(jti) as LogEntry | undefined
    },
    async bySubject(sub) {
      return stmt(BY_SUBJECT).all(sub) as LogEntry[]
    },
    async head() {
      return head()
    },
    async page(query: PageQuery) {
      const { sql, params } = pageQuery(query)
      return stmt(sql).all(...params) as LogEntry[]
    },
    async close() {
      db.close()
    },
  }
}
