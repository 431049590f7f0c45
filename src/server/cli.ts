// consentry-collector serve | audit | export | purge (DESIGN.md §11).

import { serve } from '@hono/node-server'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isMainThread } from 'node:worker_threads'
import { audit } from './audit.js'
import { csvHeader, formatEntry, parseTime, type ExportFormat } from './export.js'
import type { IpPolicy } from './ip.js'
import { loadOrCreateKey, type CollectorKey, type PublicJwks } from './keys.js'
import { createCollector } from './index.js'
import { describeStore, openStore, type StoreLocation } from './storage/open.js'
import { scan } from './storage/types.js'
import { ReceiptService } from './service.js'
import { defaultVerifyThreads } from './verify-pool.js'

const USAGE = `Usage: consentry-collector <command> [options]

  serve   [--port 8787] [--host 127.0.0.1] [--db ./consent.db] [--key FILE] [--trust-proxy] [--verify-threads N]
  audit   [--db FILE] [--key FILE | --jwks FILE] [--expect-head INDEX:HASH] [--json]
  export  [--db FILE] [--format jsonl|csv] [--from DATE] [--to DATE]
  purge   [--db FILE] [--key FILE] --before DATE

DATABASE_URL=postgres://… uses PostgreSQL instead of --db. Environment: PORT, HOST, CONSENTRY_DB,
CONSENTRY_ADMIN_TOKEN, CONSENTRY_ALLOWED_ORIGINS (comma list, default *), CONSENTRY_KEY_FILE
(default ./collector-key.pem), CONSENTRY_COLLECTOR_KEY (PEM, instead of a file), CONSENTRY_KEY_ALG
(EdDSA | ES256, for a new key), CONSENTRY_IP (truncate | hmac | drop), CONSENTRY_IP_HMAC_KEY,
CONSENTRY_MAX_BODY (bytes, default 16384), CONSENTRY_VERIFY_THREADS (default: cores - 1, at least 1;
0 verifies on the main thread). See docs/collector.md.`

class UsageError extends Error {}

const env = process.env

function location(values: { db?: string | undefined }): StoreLocation {
  return { databaseUrl: env.DATABASE_URL || undefined, db: values.db ?? env.CONSENTRY_DB ?? './consent.db' }
}

function keySource(values: { key?: string | undefined }, create: boolean) {
  return {
    pem: env.CONSENTRY_COLLECTOR_KEY || undefined,
    file: values.key ?? env.CONSENTRY_KEY_FILE ?? './collector-key.pem',
    alg: env.CONSENTRY_KEY_ALG === 'ES256' ? ('ES256' as const) : ('EdDSA' as const),
    create,
    warn: (message: string) => console.error(`warning: ${message}`),
  }
}

function ipPolicy(): IpPolicy {
  const mode = env.CONSENTRY_IP ?? 'truncate'
  if (mode === 'truncate' || mode === 'drop') return { mode }
  if (mode === 'hmac') {
    if (!env.CONSENTRY_IP_HMAC_KEY) throw new UsageError('CONSENTRY_IP=hmac needs CONSENTRY_IP_HMAC_KEY (a long random secret)')
    return { mode, key: env.CONSENTRY_IP_HMAC_KEY }
  }
  throw new UsageError(`CONSENTRY_IP: expected truncate, hmac or drop, got ${JSON.stringify(mode)}`)
}

function maxBody(): number | undefined {
  if (!env.CONSENTRY_MAX_BODY) return undefined
  const bytes = Number(env.CONSENTRY_MAX_BODY)
  if (!Number.isInteger(bytes) || bytes < 1024) throw new UsageError(`CONSENTRY_MAX_BODY: expected a number of bytes ≥ 1024, got ${JSON.stringify(env.CONSENTRY_MAX_BODY)}`)
  return bytes
}

function time(value: string | undefined, name: string): number | undefined {
  try {
    return parseTime(value, name)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, key: { type: 'string' }, 'trust-proxy': { type: 'boolean' }, 'verify-threads': { type: 'string' } } })
  const port = Number(values.port ?? env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number, got ${JSON.stringify(values.port ?? env.PORT)}`)
  const host = values.host ?? env.HOST ?? '127.0.0.1'
  const where = location(values)
  const origins = (env.CONSENTRY_ALLOWED_ORIGINS ?? '*').split(',').map((o) => o.trim()).filter(Boolean)
  const adminToken = env.CONSENTRY_ADMIN_TOKEN || undefined
  const threadsText = values['verify-threads'] ?? env.CONSENTRY_VERIFY_THREADS
  const verifyThreads = threadsText === undefined || threadsText === '' ? defaultVerifyThreads() : Number(threadsText)
  if (!Number.isInteger(verifyThreads) || verifyThreads < 0 || verifyThreads > 256) throw new UsageError(`--verify-threads: expected a number of threads (0 = main thread), got ${JSON.stringify(threadsText)}`)
  const collector = await createCollector({
    store: await openStore(where),
    key: keySource(values, true),
    adminToken,
    allowedOrigins: origins.includes('*') ? '*' : origins,
    maxBodyBytes: maxBody(),
    ip: ipPolicy(),
    verifyThreads,
    // Behind a reverse proxy the socket peer is the proxy; the last X-Forwarded-For hop is the
    // address the proxy saw (earlier hops are whatever the client claimed).
    clientIp: values['trust-proxy']
      ? (c) => c.req.header('x-forwarded-for')?.split(',').pop()?.trim()
      : undefined,
  })
  if (!adminToken) console.error('warning: CONSENTRY_ADMIN_TOKEN is not set; export and erasure routes answer 403')
  const server = serve({ fetch: collector.app.fetch, port, hostname: host }, (info) => {
    console.log(`consentry-collector listening on http://${host}:${info.port} (${describeStore(where)}, key ${collector.key.kid})`)
  })
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve())
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  await collector.close()
  return 0
}

function trustedKeys(values: { key?: string | undefined; jwks?: string | undefined }): PublicJwks {
  if (values.jwks) return JSON.parse(readFileSync(values.jwks, 'utf8')) as PublicJwks
  return { keys: [loadOrCreateKey(keySource(values, false)).publicJwk] }
}

async function auditCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, key: { type: 'string' }, jwks: { type: 'string' }, 'expect-head': { type: 'string' }, json: { type: 'boolean' } } })
  let expectHead
  if (values['expect-head']) {
    const match = /^(\d+):([A-Za-z0-9_-]{43})$/.exec(values['expect-head'])
    if (!match) throw new UsageError('--expect-head: expected INDEX:ENTRYHASH')
    expectHead = { logIndex: Number(match[1]), entryHash: match[2]! }
  }
  const jwks = trustedKeys(values)
  const store = await openStore(location(values))
  try {
    const report = await audit(store, jwks, { expectHead })
    if (values.json) console.log(JSON.stringify(report, null, 2))
    else {
      console.log(`${report.entries} entries (${report.receipts} receipts, ${report.erased} erased, ${report.records} erasure/purge records); head ${report.head.logIndex}:${report.head.entryHash}`)
      for (const f of report.findings.slice(0, 50)) console.log(`entry ${f.logIndex}: ${f.kind}: ${f.detail}`)
      if (report.findings.length > 50) console.log(`… and ${report.findings.length - 50} more findings`)
      console.log(report.ok ? 'OK: every signature and the whole hash chain check out' : `FAILED: ${report.findings.length} finding(s), first at entry ${report.findings[0]!.logIndex}`)
    }
    return report.ok ? 0 : 1
  } finally {
    await store.close()
  }
}

async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } })
  const format = (values.format ?? 'jsonl') as ExportFormat
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format: expected jsonl or csv, got ${JSON.stringify(values.format)}`)
  const range = { fromMs: time(values.from, '--from'), toMs: time(values.to, '--to') }
  const store = await openStore(location(values))
  try {
    const write = (text: string) => (process.stdout.write(text) ? undefined : new Promise((r) => process.stdout.once('drain', r)))
    if (format === 'csv') await write(csvHeader())
    for await (const entry of scan(store, range)) await write(formatEntry(entry, format))
    return 0
  } finally {
    await store.close()
  }
}

async function purgeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, key: { type: 'string' }, before: { type: 'string' } } })
  const before = time(values.before, '--before')
  if (before === undefined) throw new UsageError('purge needs --before DATE (receipts received before it are erased)')
  const key: CollectorKey = loadOrCreateKey(keySource(values, false))
  const store = await openStore(location(values))
  try {
    const { erased, entry } = await new ReceiptService({ store, key }).purge(before)
    console.log(entry ? `erased ${erased.length} receipt(s) received before ${new Date(before).toISOString()}; purge record is entry ${entry.logIndex}` : 'nothing to purge')
    return 0
  } finally {
    await store.close()
  }
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  audit: auditCommand,
  export: exportCommand,
  purge: purgeCommand,
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE)
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    console.error(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`)
    return 2
  }
  try {
    return await command(args)
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    console.error(`consentry-collector ${name}: ${(error as Error).message}`)
    return usage ? 2 : 1
  }
}

// Exit explicitly: an open handle left by a failed command (a pg pool) must not keep it alive.
// Not in the verification threads, which load this file again (verify-pool.ts).
if (isMainThread) main(process.argv.slice(2)).then((code) => process.exit(code))
