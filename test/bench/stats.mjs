#!/usr/bin/env node
// Benchmark of GET /stats (not a test; not part of npm test): a year by day over a log of
// --receipts entries (default 10^6), on SQLite and on a throwaway PostgreSQL.
//
//   npm run build && node test/bench/stats.mjs [--receipts 1000000] [--requests 200] [--only sqlite|postgres]
//
// The log is written straight into log_entries (synthetic receipts over 365 days: unsigned, so
// it does not pass `audit`; the statistics read only the payload), then the store is opened
// again so that its migrate() backfills the rollups — the same code the append transaction
// uses — and that backfill is timed too. Then /stats?by=day for the whole year, and by=region,
// are requested --requests times each through the collector's Hono app (in process, no
// socket), one after the other; it prints p50/p99/max. Target: p99 < 200 ms.

import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startPostgres } from './postgres.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const { values: opts } = parseArgs({
  options: {
    receipts: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
})
const N = Number(opts.receipts)
const REQUESTS = Number(opts.requests)
if (!existsSync(join(root, 'dist/server.mjs'))) throw new Error('dist/server.mjs is missing: run npm run build first')
const { createApp, ReceiptService, collectorKeyFrom, newPrivateKey, sqliteRepository, postgresRepository } = await import(join(root, 'dist/server.mjs'))

const DAY = 86_400_000
const END = Date.UTC(2026, 11, 1)
const START = END - 365 * DAY
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')

// A few hundred payload shapes, cycled: the rollups count keys, not distinct receipts.
const REGIONS = ['EU', 'GB', 'US-CA', 'BR', undefined]
const LANGS = ['en', 'de', 'fr', 'es', 'pt', 'it']
const payloads = []
for (let i = 0; i < 600; i++) {
  const bit = (k) => ((i >> k) & 1) === 1
  const region = REGIONS[i % REGIONS.length]
  payloads.push(
    `eyJhbGciOiJFUzI1NiJ9.${b64({
      jti: 'x',
      sub: 'x',
      iat: 0,
      seq: 1,
      event: 'given',
      source: i % 17 === 0 ? 'gpc' : 'banner',
      categories: { necessary: true, functional: bit(0), analytics: bit(1), advertising: bit(2), personalisation: bit(3) },
      revision: 1 + (i % 4),
      config: `config-${i % 4}`,
      texts: { lang: LANGS[i % LANGS.length], sha256: 't' },
      gpc: i % 17 === 0,
      mode: region === 'US-CA' ? 'opt-out' : 'opt-in',
      ...(region ? { region } : {}),
    })}.sig`,
  )
}
/** Entry i (0-based) as the insert's parameters. */
const entry = (i) => {
  const ms = START + Math.floor((i / N) * 365 * DAY)
  return [i + 1, 'receipt', ms, 'c', 'e', 's', randomUUID(), `sub-${i}`, 'kid', 1, Math.floor(ms / 1000), payloads[i % payloads.length]]
}
const COLUMNS = '(log_index, kind, received_ms, content_hash, entry_hash, countersignature, jti, sub, kid, seq, iat, jws)'

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

async function measure(name, store) {
  // The app without createCollector: the synthetic entries carry no countersignature to adopt.
  const service = new ReceiptService({ store, key: collectorKeyFrom(newPrivateKey()), now: () => END })
  const app = createApp({ service, adminToken: 'bench', now: () => END })
  for (const [by, query] of [
    ['day', 'by=day'],
    ['region', 'by=region'],
  ]) {
    const url = `/stats?from=${new Date(START).toISOString().slice(0, 10)}&to=${new Date(END - DAY).toISOString().slice(0, 10)}&${query}`
    const times = []
    let rows = 0
    for (let i = 0; i < REQUESTS + 5; i++) {
      const t = performance.now()
      const res = await app.request(url, { headers: { authorization: 'Bearer bench' } })
      const body = await res.json()
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`)
      if (i >= 5) times.push(performance.now() - t) // the first five warm the caches
      rows = body.rows.length
      const total = body.rows.reduce((n, r) => n + r.decisions, 0)
      if (total !== N) throw new Error(`${name}: /stats counted ${total} decisions, the log has ${N}`)
    }
    times.sort((a, b) => a - b)
    console.log(
      `${name.padEnd(9)} /stats a year ${`by=${by}`.padEnd(10)} ${String(rows).padStart(4)} rows  p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times[times.length - 1].toFixed(1)} ms  (${REQUESTS} requests)`,
    )
  }
  await store.close()
}

async function sqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-stats-'))
  const file = join(dir, 'log.db')
  try {
    const first = await sqliteRepository(file, { synchronous: 'NORMAL' })
    await first.migrate()
    await first.close()
    const { default: Sqlite } = await import('better-sqlite3')
    const db = new Sqlite(file)
    let t = performance.now()
    const insert = db.prepare(`INSERT INTO log_entries ${COLUMNS} VALUES (${Array(12).fill('?').join(', ')})`)
    db.transaction(() => {
      for (let i = 0; i < N; i++) insert.run(...entry(i))
    })()
    db.prepare('UPDATE stats_backfill SET boundary = ?, done = 0').run(N)
    db.close()
    console.log(`sqlite    wrote ${N} entries in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    t = performance.now()
    const store = await sqliteRepository(file, { synchronous: 'NORMAL' })
    await store.migrate()
    console.log(
      `sqlite    backfill of the rollups: ${((performance.now() - t) / 1000).toFixed(1)} s (${Math.round(N / ((performance.now() - t) / 1000))} entries/s)`,
    )
    await measure('sqlite', store)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function postgres() {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-pg-'))
  const server = await startPostgres(dir, ['fsync=off'])
  if (!server) {
    rmSync(dir, { recursive: true, force: true })
    return console.log('postgres  skipped: no /usr/lib/postgresql/*/bin')
  }
  const { url } = server
  try {
    const first = await postgresRepository({ connectionString: url })
    await first.migrate()
    await first.close()
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    let t = performance.now()
    await client.query('BEGIN')
    const CHUNK = 2000
    for (let i = 0; i < N; i += CHUNK) {
      const rows = []
      const params = []
      for (let j = i; j < Math.min(N, i + CHUNK); j++) {
        const values = entry(j)
        rows.push(`(${values.map((_, k) => `$${params.length + k + 1}`).join(', ')})`)
        params.push(...values)
      }
      await client.query(`INSERT INTO log_entries ${COLUMNS} VALUES ${rows.join(', ')}`, params)
    }
    await client.query('UPDATE stats_backfill SET boundary = $1, done = 0', [N])
    await client.query('COMMIT')
    await client.end()
    console.log(`postgres  wrote ${N} entries in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    t = performance.now()
    const store = await postgresRepository({ connectionString: url })
    await store.migrate()
    console.log(
      `postgres  backfill of the rollups: ${((performance.now() - t) / 1000).toFixed(1)} s (${Math.round(N / ((performance.now() - t) / 1000))} entries/s)`,
    )
    await measure('postgres', store)
  } finally {
    try {
      server.stop('immediate')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

if (opts.only !== 'postgres') await sqlite()
if (opts.only !== 'sqlite') await postgres()
