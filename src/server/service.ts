// The collector's write path, independent of HTTP: verify a receipt, queue it, append it
// with others in one transaction (group commit), and answer each caller after the commit.

import { type VerifyOptions, verifyReceipt } from '../receipts/verify.js'
import { nodeBase64url, nodeEs256Verifier } from './crypto.js'
import { factsOf, type ReceiptFacts, type VerifyPool } from './verify-pool.js'
import { HttpError } from './errors.js'
import { protectIp, type IpPolicy } from './ip.js'
import type { CollectorKey } from './keys.js'
import { receivedAtOf, sealers } from './log.js'
import { sha256 } from './sha256.js'
import { StoreBusyError, type AppendOutcome, type IncomingReceipt, type LogEntry, type Repository } from './storage/types.js'
import { twinHash } from './twin.js'

export interface ReceiptAck {
  jti: string
  receivedAt: string
  logIndex: number
  /** The receipt's leaf in the log's Merkle tree (logIndex − 1); a checkpoint covers it within a second. */
  leafIndex: number
  countersignature: string
  /** Present (true) when the receipt was received before and has since been erased. */
  erased?: true
}

export interface ServiceOptions {
  store: Repository
  key: CollectorKey
  ip?: IpPolicy
  /** iat window; defaults of receipts/verify (5 min ahead, 400 days back). */
  maxFutureSkewSeconds?: number
  maxAgeSeconds?: number
  /** Clock in ms (tests move it). */
  now?: () => number
  /** Most receipts per transaction. */
  maxBatch?: number
  /** Verify on these worker threads instead of the main thread (the same checks). */
  verifyPool?: VerifyPool | undefined
  /** Browser keys kept imported when verifying on the main thread (default 4096). */
  keyCacheSize?: number | undefined
  /** Called after each commit that appended entries (the integrator's cue). */
  onAppended?: (() => void) | undefined
}

interface Pending {
  receipt: IncomingReceipt
  resolve: (outcome: AppendOutcome) => void
  reject: (error: unknown) => void
}

const ackOf = (entry: LogEntry): ReceiptAck => ({
  jti: entry.jti!,
  receivedAt: receivedAtOf(entry.receivedMs),
  logIndex: entry.logIndex,
  leafIndex: entry.logIndex - 1,
  countersignature: entry.countersignature,
  ...(entry.erasedMs !== null ? { erased: true as const } : {}),
})

export class ReceiptService {
  readonly store: Repository
  private readonly verifyOptions: () => VerifyOptions
  private readonly ip: IpPolicy
  private readonly now: () => number
  private readonly maxBatch: number
  private readonly seal: ReturnType<typeof sealers>
  private readonly verify: (jws: string) => Promise<ReceiptFacts & { claims?: Record<string, unknown> }>
  private readonly onAppended: () => void
  private queue: Pending[] = []
  private draining = false
  /** submit() calls not yet answered, and who waits for them all to end (settled()). */
  private inFlight = 0
  private waiters: (() => void)[] = []

  constructor(options: ServiceOptions) {
    this.store = options.store
    this.ip = options.ip ?? { mode: 'truncate' }
    this.now = options.now ?? Date.now
    this.maxBatch = options.maxBatch ?? 256
    this.seal = sealers(options.key, this.now)
    this.onAppended = options.onAppended ?? (() => undefined)
    const es256 = nodeEs256Verifier({ cacheSize: options.keyCacheSize })
    this.verifyOptions = () => ({
      now: this.now(),
      maxFutureSkewSeconds: options.maxFutureSkewSeconds,
      maxAgeSeconds: options.maxAgeSeconds,
      sha256,
      es256,
      base64url: nodeBase64url,
    })
    const pool = options.verifyPool
    // Verified here, the parsed payload goes along to the store's statistics rollups (no second
    // parse); a verification thread sends only the facts, since a message costs by its size.
    this.verify = pool
      ? (jws) => pool.verify(jws, this.now())
      : async (jws) => {
          const verified = await verifyReceipt(jws, this.verifyOptions())
          return { ...factsOf(verified), claims: verified.payload as unknown as Record<string, unknown> }
        }
  }

  /**
   * Verifies and stores one receipt; `admit`, called once it is verified, may still refuse it by
   * throwing. Resolves after the commit: 201 for a new receipt, 200
   * for a repeat of a stored one. Throws ReceiptError (bad receipt) or HttpError 409 (a jti
   * already used by a different receipt).
   */
  async submit(jws: string, clientIp?: string, admit?: (receipt: ReceiptFacts) => void): Promise<{ status: 200 | 201; ack: ReceiptAck }> {
    this.inFlight++
    try {
      return await this.verifyAndStore(jws, clientIp, admit)
    } finally {
      if (--this.inFlight === 0) this.waiters.splice(0).forEach((wake) => wake())
    }
  }

  /**
   * Resolves once every submit() under way has been answered (stored, refused or failed): the
   * collector waits for this before it closes the store, so that a receipt still being
   * verified when the server stopped listening is not appended to a closed database.
   */
  settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve))
  }

  private async verifyAndStore(jws: string, clientIp?: string, admit?: (receipt: ReceiptFacts) => void): Promise<{ status: 200 | 201; ack: ReceiptAck }> {
    const facts = await this.verify(jws)
    // The caller's last word once the claims are known (the per-consent-id rate limit).
    admit?.(facts)
    const { kid, jti, sub, seq, iat, prev, reset, hash, claims } = facts
    const { entry, duplicate } = await this.enqueue({
      jti,
      sub,
      kid,
      seq,
      iat,
      prev,
      reset,
      jws: jws.trim(),
      contentHash: hash,
      ip: protectIp(clientIp, this.ip),
      claims,
    })
    // The same receipt may come back with its mirrored ECDSA signature (twin.ts): a repeat.
    if (duplicate && entry.contentHash !== hash && entry.contentHash !== twinHash(jws.trim())) {
      throw new HttpError(409, 'jti-conflict', `payload.jti: ${jti} was already used by a different receipt (log entry ${entry.logIndex})`)
    }
    return { status: duplicate ? 200 : 201, ack: ackOf(entry) }
  }

  /** Erases every receipt of a consent id; resolves to what was blanked and the record entry. */
  async erase(sub: string) {
    const done = await this.store.tombstone({ sub }, this.now(), this.seal.record('erasure', { reason: 'data-subject request' }))
    if (done.entry) this.onAppended()
    return done
  }

  /**
   * Retention: blanks every receipt received before `beforeMs`, `chunk` receipts per
   * transaction (each with its own purge record), so that the write lock is never held for
   * long and a collector serving on the same database keeps appending in between.
   */
  async purge(beforeMs: number, chunk = 1000): Promise<{ erased: number[]; entries: LogEntry[]; entry?: LogEntry }> {
    const erased: number[] = []
    const entries: LogEntry[] = []
    const record = this.seal.record('purge', { reason: 'retention', before: receivedAtOf(beforeMs) })
    for (;;) {
      const done = await this.store.tombstone({ beforeMs }, this.now(), record, chunk)
      erased.push(...done.erased)
      if (done.entry) entries.push(done.entry), this.onAppended()
      if (done.erased.length < chunk) return { erased, entries, entry: entries[entries.length - 1] }
    }
  }

  private enqueue(receipt: IncomingReceipt): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ receipt, resolve, reject })
      if (!this.draining) {
        this.draining = true
        // Wait one turn of the event loop so the requests already in the socket buffers join
        // this batch: one commit (one fsync) then acknowledges all of them.
        setImmediate(() => void this.drain())
      }
    })
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        const outcomes = await this.store.appendReceipts(
          batch.map((p) => p.receipt),
          this.seal.receipt,
        )
        batch.forEach((p, i) => p.resolve(outcomes[i]!))
        if (outcomes.some((o) => !o.duplicate)) this.onAppended()
      } catch (error) {
        // The batch was rolled back as a whole. A busy store fails every one of them alike; any
        // other error may be one receipt's doing, so each is tried alone and answered on its
        // own merit: one bad receipt never costs the others their 201.
        if (batch.length === 1 || error instanceof StoreBusyError) batch.forEach((p) => p.reject(error))
        else {
          for (const p of batch) await this.store.appendReceipts([p.receipt], this.seal.receipt).then((o) => p.resolve(o[0]!), p.reject)
          this.onAppended()
        }
      }
    }
    this.draining = false
  }
}
