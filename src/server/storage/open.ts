import type { Repository } from './types.js'

export interface StoreLocation {
  /** postgres://… — wins over `db`. */
  databaseUrl?: string | undefined
  /** SQLite file (default ./consent.db). */
  db?: string | undefined
}

/** Opens the configured store and brings its schema up to date. */
export async function openStore(where: StoreLocation): Promise<Repository> {
  const store = where.databaseUrl
    ? await (await import('./postgres.js')).postgresRepository({ connectionString: where.databaseUrl })
    : await (await import('./sqlite.js')).sqliteRepository(where.db ?? './consent.db')
  await store.migrate()
  return store
}

export const describeStore = (where: StoreLocation): string =>
  where.databaseUrl ? `postgres ${where.databaseUrl.replace(/\/\/[^@/]*@/, '//…@')}` : `sqlite ${where.db ?? './consent.db'}`
