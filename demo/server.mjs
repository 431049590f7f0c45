// `npm run demo`: the demo site and a receipt collector on SQLite, on one local port.
// Pages get a fresh CSP nonce per request and a strict Content-Security-Policy, to show
// that Consentry works without 'unsafe-inline'.

import { serve } from '@hono/node-server'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { audit, auditRun, checkpointPublicKeyOf, createCollector, openStore } from '../dist/server.mjs'
import { seedDemo } from './seed.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = Number(process.env.PORT ?? 8080)
const data = join(root, '.demo-data')
mkdirSync(data, { recursive: true })

// The console (/dashboard) asks for this token; a fixed one is fine for a local demo only.
const adminToken = process.env.CONSENTRY_ADMIN_TOKEN ?? 'demo-admin-token'
// The demo seed moves the collector's clock so that its receipts land on past days.
let seedClock
const dbFile = process.env.CONSENTRY_DB ?? join(data, 'consent.db')
const collector = await createCollector({
  store: await openStore({ db: dbFile }),
  key: { file: join(data, 'collector-key.pem') },
  adminToken,
  now: () => seedClock ?? Date.now(),
})
if ((await collector.store.head()).logIndex === 0 && process.env.CONSENTRY_DEMO_SEED !== 'off') {
  process.stdout.write('Seeding the demo log with 60 days of receipts… ')
  const stored = await seedDemo({ submit: (jws) => collector.service.submit(jws), setClock: (ms) => (seedClock = ms) })
  console.log(`${stored} receipts.`)
  // Sign a checkpoint of the whole seed now, then audit it as `consentry-collector audit` would,
  // so that the console's log health shows a real last audit.
  seedClock = undefined
  await collector.integrator?.integrateNow()
  const report = await audit(collector.store, { keys: [collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(collector.key)] })
  await collector.store.recordAudit(auditRun(report, Date.now()))
  console.log(`Audited the demo log: ${report.ok ? 'OK' : `FAILED (${report.findings.length} findings)`}.`)
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.css': 'text/css' }

/** A file under demo/ or dist/, never outside them. */
function file(path) {
  const [base, rest] = path.startsWith('/dist/') ? ['dist', path.slice(6)] : ['demo', path === '/' ? 'index.html' : path.slice(1)]
  const full = normalize(join(root, base, rest))
  if (!full.startsWith(join(root, base))) return undefined
  try {
    return statSync(full).isFile() ? full : undefined
  } catch {
    return undefined
  }
}

const app = new Hono()
app.route('/', collector.app)
app.get('*', (c) => {
  const path = file(new URL(c.req.url).pathname)
  if (!path) return c.text('Not found', 404)
  const type = TYPES[extname(path)] ?? 'application/octet-stream'
  let body = readFileSync(path)
  const headers = { 'content-type': type, 'cache-control': 'no-store' }
  if (type.startsWith('text/html') && body.includes('{{nonce}}')) {
    const nonce = randomBytes(16).toString('base64')
    body = body.toString('utf8').replaceAll('{{nonce}}', nonce)
    headers['content-security-policy'] =
      `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'; frame-src 'self'; object-src 'none'; base-uri 'none'`
  }
  return c.body(body, 200, headers)
})

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`Consentry demo:      http://127.0.0.1:${info.port}/`)
  console.log(`Receipt collector:   http://127.0.0.1:${info.port}/receipts (SQLite: ${dbFile})`)
  console.log(
    `Console:             http://127.0.0.1:${info.port}/dashboard (admin token: ${process.env.CONSENTRY_ADMIN_TOKEN ? 'CONSENTRY_ADMIN_TOKEN' : adminToken})`,
  )
  console.log('Stop with Ctrl+C.')
})
const stop = async () => {
  server.close()
  await collector.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
