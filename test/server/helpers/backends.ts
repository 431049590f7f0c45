// The storage backends every shared test runs against. PostgreSQL is started once per file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgresRepository } from '../../../src/server/storage/postgres.js'
import { sqliteRepository } from '../../../src/server/storage/sqlite.js'
import type { StoreLocation } from '../../../src/server/storage/open.js'
import type { Repository } from '../../../src/server/storage/types.js'
import { postgresEnabled, startPostgres, type TestPostgres } from './postgres.js'

export interface Opened {
  store: Repository
  location: StoreLocation
  /** Another store on the same database (a second collector process, say). */
  reopen(): Promise<Repository>
  /** Raw SQL as the database owner, append-only triggers switched off: an attacker's view. */
  tamper(sql: string, params?: unknown[]): Promise<void>
}

export interface Backend {
  name: 'sqlite' | 'postgres'
  available: boolean
  setup(): Promise<void>
  teardown(): Promise<void>
  open(): Promise<Opened>
}

function sqliteBackend(): Backend {
  let dir = ''
  let n = 0
  return {
    name: 'sqlite',
    available: true,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'consentry-sqlite-'))
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true })
    },
    async open() {
      const file = join(dir, `log-${++n}.db`)
      const store = await sqliteRepository(file)
      await store.migrate()
      return {
        store,
        location: { db: file },
        reopen: () => sqliteRepository(file),
        async tamper(sql, params = []) {
          const { default: Sqlite } = await import('better-sqlite3')
          const db = new Sqlite(file)
          db.exec('DROP TRIGGER IF EXISTS log_entries_no_delete; DROP TRIGGER IF EXISTS log_entries_no_rewrite;')
          // The Merkle tree's tables (migration 4) are append-only too.
          for (const t of ['log_tree', 'log_checkpoints']) db.exec(`DROP TRIGGER IF EXISTS ${t}_no_change; DROP TRIGGER IF EXISTS ${t}_no_delete;`)
          db.prepare(sql).run(...params)
          db.close()
        },
      }
    },
  }
}

function postgresBackend(): Backend {
  let server: TestPostgres | undefined
  return {
    name: 'postgres',
    available: postgresEnabled,
    async setup() {
      server = await startPostgres()
    },
    async teardown() {
      server?.stop()
    },
    async open() {
      const url = await server!.createDatabase()
      const store = await postgresRepository({ connectionString: url })
      await store.migrate()
      return {
        store,
        location: { databaseUrl: url },
        reopen: () => postgresRepository({ connectionString: url }),
        async tamper(sql, params = []) {
          const { default: pg } = await import('pg')
          const client = new pg.Client({ connectionString: url })
          await client.connect()
          await client.query('ALTER TABLE log_entries DISABLE TRIGGER USER')
          await client.query('ALTER TABLE log_tree DISABLE TRIGGER USER')
          await client.query('ALTER TABLE log_checkpoints DISABLE TRIGGER USER')
          let n = 0
          await client.query(
            sql.replace(/\?/g, () => `$${++n}`),
            params,
          )
          await client.end()
        },
      }
    },
  }
}

export const backends = (): Backend[] => [sqliteBackend(), postgresBackend()]
