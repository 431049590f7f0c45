// consentry-collector serve | audit | export | purge (docs/collector.md).

import { getRequestListener } from '@hono/node-server'
import { createPrivateKey } from 'node:crypto'
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { parseArgs } from 'node:util'
import { isMainThread } from 'node:worker_threads'
import { exitQuietlyOnClosedPipe } from '../cli/closed-pipe.js'
import { audit, auditRun } from './audit.js'
import { dpvClose, dpvOpen, dpvRecord } from './dpv.js'
import { verifyReceiptInclusion, type InclusionProof } from '../receipts/log-proof.js'
import { checkpointPublicKeyOf, publicKeyOfVkey } from './checkpoint.js'
import { guardConnections, serverOptions } from './connections.js'
import { csvHeader, formatEntry, parseTime, type ExportFormat } from './export.js'
import type { IpPolicy } from './ip.js'
import { collectorKeyFrom, loadOrCreateKey, newKeyPem, writeKeyFile, type CollectorAlg, type PublicJwks } from './keys.js'
import { adoptKey, rotateKey, trustedKeys } from './keyring.js'
import { createCollector } from './index.js'
import { DEFAULT_RATE_LIMITS, parseRate, type RateLimits } from './rate-limit.js'
import { describeStore, openStore, type StoreLocation } from './storage/open.js'
import { scan } from './storage/types.js'
import { parseWitnessKeys } from './witness.js'
import { ReceiptService } from './service.js'
import { receiptsFirst } from './receipt-listener.js'

const USAGE = `Usage: consentry-collector <command> [options]

  serve       [--port 8787] [--host 127.0.0.1] [--db ./consent.db] [--key FILE] [--trust-proxy] [--verify-threads N]
  audit       [--db FILE] [--key FILE | --jwks FILE [--log-key VKEY]] [--expect-head INDEX:HASH] [--checkpoint FILE] [--json]
  verify      --checkpoint FILE --proof FILE --receipt FILE [--log-key VKEY|FILE]   (offline, no database)
  export      [--db FILE] [--format jsonl|csv|dpv] [--from DATE] [--to DATE]   (dpv: ISO/IEC TS 27560 records, JSON-LD)
  purge       [--db FILE] [--key FILE] --before DATE
  rotate-key  [--db FILE] [--key FILE] [--key-lost]

DATABASE_URL=postgres://… uses PostgreSQL instead of --db. Environment: PORT, HOST, CONSENTRY_DB,
CONSENTRY_ADMIN_TOKEN, CONSENTRY_ALLOWED_ORIGINS (comma list, default *), CONSENTRY_KEY_FILE
(default ./collector-key.pem), CONSENTRY_COLLECTOR_KEY (PEM, instead of a file), CONSENTRY_KEY_ALG
(EdDSA | ES256, for a new key), CONSENTRY_IP (truncate | hmac | drop), CONSENTRY_IP_HMAC_KEY,
CONSENTRY_MAX_BODY (bytes, default 16384), CONSENTRY_VERIFY_THREADS (default 0: verify on the main
thread; N worker threads add throughput on many cores at more CPU per receipt), CONSENTRY_RATE_RECEIPTS_IP (default 600/min), CONSENTRY_RATE_RECEIPTS_SUB
(60/min), CONSENTRY_RATE_READS_IP (120/min), CONSENTRY_RATE_READS_SUB (30/min) — each "N/s|min|h" or "off",
CONSENTRY_MAX_CONNECTIONS (default: open-file limit less 128), CONSENTRY_LOG_ORIGIN (checkpoint origin,
default <host name>/consentry), CONSENTRY_INTEGRATE (0: never integrate the tree in this process), CONSENTRY_WITNESS_KEYS (witness vkeys whose
checkpoint cosignatures are accepted, comma-separated). audit, export, purge and rotate-key
never create a database: a --db file that does not exist exits 2. See docs/collector.md.`

class UsageError extends Error {}

/**
 * Behind a reverse proxy the socket peer is the proxy; the last X-Forwarded-For hop is the
 * address the proxy saw (earlier hops are whatever the client claimed).
 */
const lastHop = (forwardedFor: string | undefined): string | undefined => forwardedFor?.split(',').pop()?.trim()

const env = process.env

function location(values: { db?: string | undefined }): StoreLocation {
  return { databaseUrl: env.DATABASE_URL || undefined, db: values.db ?? env.CONSENTRY_DB ?? './consent.db' }
}

/** For the commands that read or change an existing log: a mistyped --db must not create one. */
function existing(values: { db?: string | undefined }): StoreLocation {
  const where = location(values)
  if (!where.databaseUrl && !existsSync(where.db!))
    throw new UsageError(`--db: ${where.db} does not exist (nothing was created); give the collector's database file, or DATABASE_URL`)
  return where
}

function rateLimits(): RateLimits {
  const rate = (name: string, fallback: RateLimits[keyof RateLimits]) => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    try {
      return parseRate(text, name)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  }
  return {
    receiptsPerIp: rate('CONSENTRY_RATE_RECEIPTS_IP', DEFAULT_RATE_LIMITS.receiptsPerIp),
    receiptsPerSubject: rate('CONSENTRY_RATE_RECEIPTS_SUB', DEFAULT_RATE_LIMITS.receiptsPerSubject),
    readsPerIp: rate('CONSENTRY_RATE_READS_IP', DEFAULT_RATE_LIMITS.readsPerIp),
    readsPerSubject: rate('CONSENTRY_RATE_READS_SUB', DEFAULT_RATE_LIMITS.readsPerSubject),
  }
}

function maxConnections(): number | undefined {
  const text = env.CONSENTRY_MAX_CONNECTIONS
  if (text === undefined || text === '') return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`CONSENTRY_MAX_CONNECTIONS: expected a number of connections ≥ 1, got ${JSON.stringify(text)}`)
  return n
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
  if (!Number.isInteger(bytes) || bytes < 1024)
    throw new UsageError(`CONSENTRY_MAX_BODY: expected a number of bytes ≥ 1024, got ${JSON.stringify(env.CONSENTRY_MAX_BODY)}`)
  return bytes
}

/** CONSENTRY_WITNESS_KEYS, checked here so that a mistyped key is a usage error (exit 2). */
function witnessKeys(): string[] {
  try {
    return parseWitnessKeys(env.CONSENTRY_WITNESS_KEYS).map((w) => w.vkey)
  } catch (error) {
    throw new UsageError(`CONSENTRY_WITNESS_KEYS: ${(error as Error).message}`)
  }
}

function time(value: string | undefined, name: string): number | undefined {
  try {
    return parseTime(value, name)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      key: { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'verify-threads': { type: 'string' },
      gvl: { type: 'string' },
      'gvl-upstream': { type: 'string' },
    },
  })
  const port = Number(values.port ?? env.PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: expected a port number, got ${JSON.stringify(values.port ?? env.PORT)}`)
  const host = values.host ?? env.HOST ?? '127.0.0.1'
  const where = location(values)
  const origins = (env.CONSENTRY_ALLOWED_ORIGINS ?? '*')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  const adminToken = env.CONSENTRY_ADMIN_TOKEN || undefined
  const threadsText = values['verify-threads'] ?? env.CONSENTRY_VERIFY_THREADS
  // Main thread by default: handing receipts to worker threads and back cost more CPU than the
  // verification they took over (test/bench/README.md, "Collector"); threads only add throughput
  // where spare cores are idle anyway.
  const verifyThreads = threadsText === undefined || threadsText === '' ? 0 : Number(threadsText)
  if (!Number.isInteger(verifyThreads) || verifyThreads < 0 || verifyThreads > 256)
    throw new UsageError(`--verify-threads: expected a number of threads (0 = main thread), got ${JSON.stringify(threadsText)}`)
  const limits = { maxConnections: maxConnections() }
  const trustProxy = values['trust-proxy'] === true
  const collector = await createCollector({
    store: await openStore(where),
    rateLimits: rateLimits(),
    key: keySource(values, true),
    adminToken,
    allowedOrigins: origins.includes('*') ? '*' : origins,
    maxBodyBytes: maxBody(),
    // IAB TCF vendor list (docs/tcf.md): a file for offline use, or an upstream cached per its max-age.
    ...(values.gvl || values['gvl-upstream'] ? { gvl: { file: values.gvl, upstream: values['gvl-upstream'] } } : {}),
    ip: ipPolicy(),
    integrate: env.CONSENTRY_INTEGRATE !== '0',
    witnessKeys: witnessKeys(),
    integrator: { onClaim: () => console.log('consentry-collector: this process integrates the Merkle tree and signs checkpoints') },
    verifyThreads,
    clientIp: trustProxy ? (c) => lastHop(c.req.header('x-forwarded-for')) : undefined,
  })
  if (!adminToken) console.error('warning: CONSENTRY_ADMIN_TOKEN is not set; export and erasure routes answer 403')
  const app = getRequestListener(collector.app.fetch, { hostname: host })
  // node:http joins a repeated X-Forwarded-For into one string, as Hono's header() gives it.
  const peer = (request: IncomingMessage) => (trustProxy ? lastHop(request.headers['x-forwarded-for'] as string | undefined) : request.socket.remoteAddress)
  const server = createServer(serverOptions(limits), receiptsFirst(collector.receipts, app, peer))
  server.listen(port, host, () => {
    const address = server.address() as { port: number }
    console.log(`consentry-collector listening on http://${host}:${address.port} (${describeStore(where)}, key ${collector.key.kid})`)
  })
  guardConnections(server, limits)
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve())
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })
  await collector.close()
  return 0
}

/** What audit trusts from outside the database: a JWKS kept elsewhere, or the key file. */
function anchorKeys(values: { key?: string | undefined; jwks?: string | undefined }): PublicJwks {
  if (values.jwks) return JSON.parse(readFileSync(values.jwks, 'utf8')) as PublicJwks
  return { keys: [loadOrCreateKey(keySource(values, false)).publicJwk] }
}

async function auditCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      key: { type: 'string' },
      jwks: { type: 'string' },
      'expect-head': { type: 'string' },
      json: { type: 'boolean' },
      'log-key': { type: 'string', multiple: true },
      checkpoint: { type: 'string' },
    },
  })
  let expectHead
  if (values['expect-head']) {
    const match = /^(\d+):([A-Za-z0-9_-]{43})$/.exec(values['expect-head'])
    if (!match) throw new UsageError('--expect-head: expected INDEX:ENTRYHASH')
    expectHead = { logIndex: Number(match[1]), entryHash: match[2]! }
  }
  const anchor = anchorKeys(values)
  // Checkpoints are checked against the key derived from the key file, or the verifier keys given.
  const checkpointKeys = (values['log-key'] ?? []).map((v) => publicKeyOfVkey(readVkey(v)).publicKey)
  if (!values.jwks) checkpointKeys.push(checkpointPublicKeyOf(loadOrCreateKey(keySource(values, false))))
  const expectCheckpoint = values.checkpoint === undefined ? undefined : readFileSync(values.checkpoint, 'utf8')
  const store = await openStore(existing(values))
  try {
    // Retired keys count only when a trusted key endorsed them (keyring.ts).
    // The key file's checkpoint key signs from the day its key became current; checkpoints from
    // before a rotation are checked by the retired key's --log-key when given (docs/collector.md).
    const since = values.jwks ? undefined : (await store.keys()).find((k) => k.status === 'current')?.createdMs
    const report = await audit(store, await trustedKeys(store, anchor), { expectHead, checkpointKeys, expectCheckpoint, checkpointKeysSince: since })
    // Kept for the console's log health ("last audit"); a database this process may not write
    // to (a read-only replica) still gets its audit, only without the note.
    try {
      await store.recordAudit(auditRun(report, Date.now()))
    } catch (error) {
      console.error(`warning: the audit's result was not recorded for the console: ${(error as Error).message}`)
    }
    if (values.json) console.log(JSON.stringify(report, null, 2))
    else {
      console.log(
        `${report.entries} entries (${report.receipts} receipts, ${report.erased} erased, ${report.records} erasure/purge records); head ${report.head.logIndex}:${report.head.entryHash}`,
      )
      console.log(
        `merkle tree: ${report.tree.size} leaves checkpointed, ${report.tree.checkpoints} checkpoints${report.tree.signaturesChecked ? '' : ' (signatures NOT checked: give --log-key)'}`,
      )
      for (const f of report.findings.slice(0, 50)) console.log(`entry ${f.logIndex}: ${f.kind}: ${f.detail}`)
      if (report.findings.length > 50) console.log(`… and ${report.findings.length - 50} more findings`)
      console.log(
        report.ok
          ? 'OK: every signature, the whole hash chain, the Merkle tree and its checkpoints check out'
          : `FAILED: ${report.findings.length} finding(s), first at entry ${report.findings[0]!.logIndex}`,
      )
    }
    return report.ok ? 0 : 1
  } finally {
    await store.close()
  }
}

/** A verifier key given inline (name+id+key) or as a file holding one. */
const readVkey = (value: string): string => (/^[^+\s]+\+[0-9a-f]{8}\+/.test(value) ? value : readFileSync(value, 'utf8').trim())

/**
 * Offline check of one receipt: the checkpoint's signature (with --log-key), the proof's size
 * against the checkpoint's, and the receipt's leaf hash up the proof to the signed root.
 * Uses the same checks as the browser module consentry/verify (receipts/log-proof.ts).
 */
async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { checkpoint: { type: 'string' }, proof: { type: 'string' }, receipt: { type: 'string' }, 'log-key': { type: 'string' } },
  })
  if (!values.checkpoint || !values.proof || !values.receipt)
    throw new UsageError('verify needs --checkpoint FILE (GET /log/checkpoint), --proof FILE (GET /log/proof/inclusion) and --receipt FILE (the compact JWS)')
  const note = readFileSync(values.checkpoint, 'utf8')
  let proof: InclusionProof
  try {
    proof = JSON.parse(readFileSync(values.proof, 'utf8')) as InclusionProof
  } catch (error) {
    throw new UsageError(`--proof: not JSON: ${(error as Error).message}`)
  }
  const receipt = readFileSync(values.receipt, 'utf8').trim()
  const vkey = values['log-key'] === undefined ? undefined : readVkey(values['log-key'])
  const result = await verifyReceiptInclusion(receipt, proof, note, vkey)
  if (!result.ok) {
    console.log(`FAILED: ${result.detail}`)
    return 1
  }
  const size = note.split('\n')[1]
  console.log(`OK: the receipt is leaf ${proof.index} (log entry ${proof.index + 1}) of the tree of ${size} entries this checkpoint signs`)
  if (!vkey) console.log('warning: the checkpoint signature was NOT checked; give --log-key (GET /log/key, kept from a source you trust)')
  return 0
}

async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } })
  const format = (values.format ?? 'jsonl') as ExportFormat | 'dpv'
  if (format !== 'jsonl' && format !== 'csv' && format !== 'dpv')
    throw new UsageError(`--format: expected jsonl, csv or dpv, got ${JSON.stringify(values.format)}`)
  const range = { fromMs: time(values.from, '--from'), toMs: time(values.to, '--to') }
  const store = await openStore(existing(values))
  try {
    const write = (text: string) => (process.stdout.write(text) ? undefined : new Promise((r) => process.stdout.once('drain', r)))
    if (format === 'dpv') {
      // One JSON-LD document, streamed record by record (dpv.ts).
      await write(dpvOpen())
      let first = true
      for await (const entry of scan(store, range)) {
        const record = dpvRecord(entry)
        if (!record) continue
        await write(`${first ? '' : ',\n'}${JSON.stringify(record)}`)
        first = false
      }
      await write(`\n${dpvClose()}`)
      return 0
    }
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
  const key = loadOrCreateKey(keySource(values, false))
  const store = await openStore(existing(values))
  try {
    await adoptKey(store, key)
    // In chunks of 1000, one short transaction each: `serve` keeps appending in between.
    const { erased, entries } = await new ReceiptService({ store, key }).purge(before)
    const records =
      entries.length === 1 ? `purge record is entry ${entries[0]!.logIndex}` : `purge records are entries ${entries.map((e) => e.logIndex).join(', ')}`
    console.log(entries.length ? `erased ${erased.length} receipt(s) received before ${new Date(before).toISOString()}; ${records}` : 'nothing to purge')
    return 0
  } finally {
    await store.close()
  }
}

/**
 * Replaces the collector key on purpose: a new key file, the old one kept beside it as
 * <file>.<kid>.retired, and the log's key history saying the new key endorses the old
 * (docs/collector.md, "Key rotation"). Every collector on the log is then restarted.
 */
async function rotateKeyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, key: { type: 'string' }, 'key-lost': { type: 'boolean' } } })
  const source = keySource(values, false)
  if (source.pem) throw new UsageError('rotate-key works on a key file: unset CONSENTRY_COLLECTOR_KEY and give the current key with --key FILE (or --key-lost)')
  const file = source.file
  const lost = values['key-lost'] === true
  if (lost && existsSync(file)) throw new UsageError(`--key-lost: ${file} exists; rotate without --key-lost so that the current key is checked`)
  if (!lost && !existsSync(file)) throw new UsageError(`${file} does not exist; give the current key with --key FILE, or --key-lost if it is gone for good`)
  const store = await openStore(existing(values))
  try {
    const previous = lost ? undefined : loadOrCreateKey(source)
    const alg: CollectorAlg = previous?.alg ?? source.alg
    const pem = newKeyPem(alg)
    const next = collectorKeyFrom(createPrivateKey(pem))
    // The new key is on disk before the log names it, so a crash in between loses nothing.
    const pending = `${file}.new`
    writeKeyFile(pending, pem)
    let retired
    try {
      retired = await rotateKey(store, next, previous)
    } catch (error) {
      rmSync(pending, { force: true })
      throw error
    }
    if (previous) renameSync(file, `${file}.${previous.kid.slice(0, 8)}.retired`)
    renameSync(pending, file)
    console.log(`key ${retired.kid} retired; ${next.kid} (${alg}) is the current key, in ${file}. Restart every collector on this log.`)
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
  'rotate-key': rotateKeyCommand,
  verify: verifyCommand,
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
if (isMainThread) {
  exitQuietlyOnClosedPipe()
  main(process.argv.slice(2)).then((code) => process.exit(code))
}
