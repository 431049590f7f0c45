// consentry/server: the receipt collector as a library. `createCollector` gives a Hono app to
// serve or mount; the parts (storage adapters, audit, keys) are exported for tooling.

import type { Context, Hono } from 'hono'
import { createApp, receiptPostOf } from './app.js'
import type { ReceiptPost } from './receipt-post.js'
import type { IpPolicy } from './ip.js'
import type { CollectorKey, KeySource } from './keys.js'
import { adoptKey, keyFor } from './keyring.js'
import type { RateLimits } from './rate-limit.js'
import { ReceiptService } from './service.js'
import type { Repository } from './storage/types.js'
import { VerifyPool } from './verify-pool.js'
import { checkpointSigner, defaultOrigin, type CheckpointSigner } from './checkpoint.js'
import { Integrator, type IntegratorOptions } from './integrator.js'
import { parseWitnessKey } from './witness.js'

export interface CollectorOptions {
  /** An opened store (see sqliteRepository, postgresRepository, openStore); migrated here. */
  store: Repository
  /** The countersigning key, or where to load (or create) it. */
  key: CollectorKey | KeySource
  adminToken?: string | undefined
  allowedOrigins?: string[] | '*'
  maxBodyBytes?: number
  /** How client addresses are kept (default: truncated to /24 and /48). */
  ip?: IpPolicy
  maxFutureSkewSeconds?: number
  maxAgeSeconds?: number
  clientIp?: (c: Context) => string | undefined
  now?: () => number
  onError?: (error: unknown) => void
  /**
   * Worker threads that verify receipts while the main thread does HTTP and the log (0, the
   * default: verify on the main thread, which costs less CPU per receipt; threads add
   * throughput where cores are idle).
   * The workers run this module's file again (import.meta.url); leave it at 0 if you bundle
   * the collector into your own application.
   */
  verifyThreads?: number
  /** Browser keys kept imported, per thread (default 4096). */
  keyCacheSize?: number
  /** Per client network and per consent id (see rate-limit.ts for the defaults); `false`: none. */
  rateLimits?: RateLimits | false
  /** The checkpoints' origin line and key name (default CONSENTRY_LOG_ORIGIN, else `<host name>/consentry`). */
  logOrigin?: string | undefined
  /**
   * Integrate the Merkle tree and sign checkpoints in this process (default true). With several
   * collectors on one PostgreSQL database, one at a time does it (integrator.ts).
   */
  integrate?: boolean
  /** Integrator timings (integrator.ts). */
  integrator?: Pick<IntegratorOptions, 'delayMs' | 'pollMs' | 'maxLeaves' | 'onClaim'>
  /**
   * Witness verifier keys (C2SP cosignature/v1 vkeys, `CONSENTRY_WITNESS_KEYS`) whose
   * cosignatures POST /log/cosignature accepts and GET /log/checkpoint serves (witness.ts).
   */
  witnessKeys?: string[] | undefined
  /** IAB TCF: serve the Global Vendor List at GET /gvl/<name> (`--gvl FILE` or `--gvl-upstream URL`). */
  gvl?: import('./gvl.js').GvlOptions
}

export interface Collector {
  app: Hono
  /** POST /receipts, shared by the app's route and a node:http fast path (receipt-listener.ts). */
  receipts: ReceiptPost
  service: ReceiptService
  store: Repository
  key: CollectorKey
  /** Signs checkpoints (checkpoint.ts); its `vkey` is served at GET /log/key. */
  signer: CheckpointSigner
  integrator: Integrator | undefined
  /**
   * Closes the store (after the server stopped taking requests), once the receipts still under
   * way are answered; later calls are no-ops.
   */
  close(): Promise<void>
}

export async function createCollector(options: CollectorOptions): Promise<Collector> {
  // A mistyped witness key stops the start, before anything is opened or written.
  const witnesses = (options.witnessKeys ?? []).map(parseWitnessKey)
  await options.store.migrate()
  // A key file is created only for an empty log, and the key must be the log's current one:
  // never a second key started silently (keyring.ts).
  const key = 'sign' in options.key ? options.key : await keyFor(options.key, options.store)
  await adoptKey(options.store, key)
  const { maxFutureSkewSeconds, maxAgeSeconds, keyCacheSize } = options
  const verifyPool = options.verifyThreads ? new VerifyPool({ threads: options.verifyThreads, maxFutureSkewSeconds, maxAgeSeconds, keyCacheSize }) : undefined
  const signer = checkpointSigner(key, options.logOrigin ?? defaultOrigin())
  const integrator =
    options.integrate === false
      ? undefined
      : new Integrator({ store: options.store, signer, now: options.now, onError: options.onError, ...options.integrator })
  const service = new ReceiptService({
    onAppended: () => integrator?.poke(),
    store: options.store,
    key,
    ip: options.ip,
    maxFutureSkewSeconds: options.maxFutureSkewSeconds,
    maxAgeSeconds: options.maxAgeSeconds,
    now: options.now,
    verifyPool,
    keyCacheSize,
  })
  const receipts = receiptPostOf({ ...options, service })
  const app = createApp({ ...options, service, receipts, logKey: signer.vkey, witnesses })
  integrator?.start()
  let closing: Promise<void> | undefined
  return {
    app,
    receipts,
    service,
    store: options.store,
    key,
    signer,
    integrator,
    close: () =>
      (closing ??= service
        .settled()
        .then(() => integrator?.stop())
        .then(() => Promise.all([verifyPool?.close(), options.store.close()]))
        .then(() => undefined)),
  }
}

export { createApp, receiptPostOf, DEFAULT_MAX_BODY_BYTES, type AppOptions } from './app.js'
export { ReceiptPost, errorAnswer, type Answer } from './receipt-post.js'
export { receiptsFirst } from './receipt-listener.js'
export { ReceiptService, type ReceiptAck, type ServiceOptions } from './service.js'
export { VerifyPool, defaultVerifyThreads, type VerifyPoolOptions } from './verify-pool.js'
export { nodeBase64url, nodeEs256Verifier } from './crypto.js'
export { audit, auditRun, type AuditReport, type Finding, type AuditOptions } from './audit.js'
export { adoptKey, keyFor, rotateKey, publishedJwks, trustedKeys, KeyHistoryError, ENDORSEMENT_TYP } from './keyring.js'
export { RateLimiter, parseRate, DEFAULT_RATE_LIMITS, type Rate, type RateLimits } from './rate-limit.js'
export { guardConnections, type ConnectionLimits } from './connections.js'
export { StoreBusyError } from './storage/types.js'
export {
  loadOrCreateKey,
  collectorKeyFrom,
  newPrivateKey,
  verifyCountersignature,
  COUNTERSIGNATURE_TYP,
  type CollectorKey,
  type KeySource,
  type PublicJwks,
} from './keys.js'
export { entryHash, countersigned } from './log.js'
export {
  checkpointSigner,
  checkpointPublicKeyOf,
  verifierKeyOf,
  parseNote,
  noteSignedBy,
  publicKeyOfVkey,
  defaultOrigin,
  type CheckpointSigner,
} from './checkpoint.js'
export { Integrator, growAndSign, type IntegratorOptions } from './integrator.js'
export { parseWitnessKey, parseWitnessKeys, cosignedMessage, type WitnessKey, type Cosignature } from './witness.js'
export { inclusionProof, consistencyProof, storedRoot } from './proofs.js'
export { leafHash, interiorHash, rootHash, inclusionPath, consistencyPath } from './merkle.js'
export type { StoredCheckpoint } from './storage/types.js'
export { protectIp, truncateIp, type IpPolicy } from './ip.js'
export { sqliteRepository, type SqliteOptions } from './storage/sqlite.js'
export { postgresRepository, type PostgresOptions } from './storage/postgres.js'
export { openStore, type StoreLocation } from './storage/open.js'
export type { Repository, LogEntry, Head, EntryKind } from './storage/types.js'
export { verifyReceipt, verifyChain, ReceiptError } from '../receipts/verify.js'
