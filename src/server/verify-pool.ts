// Receipt verification on worker threads, so that the main thread is left with HTTP and the
// single-writer log append. A receipt's checks (parsing, key import, ES256, claims) are its
// largest cost; here they run on other cores while the main thread keeps answering.
//
// The worker is this very module, started again with a marker in workerData (a separate file
// would need its own entry in every bundle). Jobs are posted in batches — everything that
// arrived in one turn of the event loop — because a message costs about as much as parsing one
// receipt. Answers go back one by one: a batch answered as a whole left the main thread idle
// while the worker verified it, and the worker idle while the main thread appended it
// (measured on 2 cores: 1.5 busy and 1 494 receipts/s; answering each, 1.72 busy and 1 570/s).
// Nothing uses the pool by default (`--verify-threads N` turns it on): it adds throughput where
// cores are idle, but the messages cost more CPU than the verification they move (docs/collector.md).
// In a host application's own bundle `import.meta.url` may be the application itself.

import { availableParallelism } from 'node:os'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { ReceiptError, verifyReceipt, type ReceiptErrorCode, type VerifiedReceipt } from '../receipts/verify.js'
import { nodeBase64url, nodeEs256Verifier } from './crypto.js'
import { sha256 } from './sha256.js'

const MARK = 'consentryVerifyWorker'

interface WorkerSettings {
  [MARK]: true
  maxFutureSkewSeconds?: number | undefined
  maxAgeSeconds?: number | undefined
  keyCacheSize?: number | undefined
}
interface Job {
  id: number
  jws: string
  now: number
}
type Answer = { id: number; facts: ReceiptFacts } | { id: number; code: ReceiptErrorCode | undefined; message: string }

/** What the collector keeps of a verified receipt (a message costs by its size: no whole payload). */
export interface ReceiptFacts {
  kid: string
  jti: string
  sub: string
  seq: number
  iat: number
  prev?: string | undefined
  reset?: string | undefined
  /** base64url SHA-256 of the trimmed compact JWS. */
  hash: string
}

export const factsOf = ({ header, payload, hash }: VerifiedReceipt): ReceiptFacts => ({
  kid: header.kid,
  jti: payload.jti,
  sub: payload.sub,
  seq: payload.seq,
  iat: payload.iat,
  prev: payload.prev,
  reset: payload.reset,
  hash,
})

if (!isMainThread && (workerData as WorkerSettings | undefined)?.[MARK] === true) {
  const settings = workerData as WorkerSettings
  const es256 = nodeEs256Verifier({ cacheSize: settings.keyCacheSize })
  const port = parentPort!
  port.on('message', async (jobs: Job[]) => {
    for (const { id, jws, now } of jobs) {
      let answer: Answer
      try {
        const verified = await verifyReceipt(jws, {
          now,
          maxFutureSkewSeconds: settings.maxFutureSkewSeconds,
          maxAgeSeconds: settings.maxAgeSeconds,
          sha256,
          es256,
          base64url: nodeBase64url,
        })
        answer = { id, facts: factsOf(verified) }
      } catch (error) {
        answer = { id, code: error instanceof ReceiptError ? error.code : undefined, message: (error as Error).message }
      }
      port.postMessage(answer)
    }
  })
}

export interface VerifyPoolOptions {
  /** Worker threads (default: one per core but one, at least one). */
  threads?: number | undefined
  maxFutureSkewSeconds?: number | undefined
  maxAgeSeconds?: number | undefined
  /** Keys kept imported per thread (default crypto.ts DEFAULT_KEY_CACHE_SIZE). */
  keyCacheSize?: number | undefined
}

interface Waiting {
  resolve: (receipt: ReceiptFacts) => void
  reject: (error: unknown) => void
}

interface Thread {
  worker: Worker
  /** Jobs posted and not answered, by id. */
  open: Map<number, Waiting>
  dead: boolean
}

export const defaultVerifyThreads = (): number => Math.max(1, availableParallelism() - 1)

export class VerifyPool {
  private readonly threads: Thread[] = []
  private readonly settings: WorkerSettings
  private queue: (Job & Waiting)[] = []
  private scheduled = false
  private nextId = 1
  private closed = false

  constructor(options: VerifyPoolOptions = {}) {
    this.settings = {
      [MARK]: true,
      maxFutureSkewSeconds: options.maxFutureSkewSeconds,
      maxAgeSeconds: options.maxAgeSeconds,
      keyCacheSize: options.keyCacheSize,
    }
    const count = options.threads ?? defaultVerifyThreads()
    for (let i = 0; i < count; i++) this.threads.push(this.spawn())
  }

  /** Verifies one receipt on a worker thread; the same checks and errors as verifyReceipt. */
  verify(jws: string, now: number): Promise<ReceiptFacts> {
    if (this.closed) return Promise.reject(new Error('the verification pool is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, jws, now, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        // After this turn's I/O callbacks: every request read in this turn goes in one message.
        setImmediate(() => this.flush())
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }

  private flush(): void {
    this.scheduled = false
    const jobs = this.queue
    this.queue = []
    // Split the batch over the threads, fewest open jobs first.
    const threads = [...this.threads].sort((a, b) => a.open.size - b.open.size)
    const share = Math.ceil(jobs.length / threads.length)
    for (let t = 0; t < threads.length && t * share < jobs.length; t++) {
      const part = jobs.slice(t * share, (t + 1) * share)
      const thread = threads[t]!
      for (const job of part) thread.open.set(job.id, job)
      thread.worker.postMessage(part.map(({ id, jws, now }) => ({ id, jws, now })))
    }
  }

  private spawn(): Thread {
    const worker = new Worker(new URL(import.meta.url), { workerData: this.settings })
    const thread: Thread = { worker, open: new Map(), dead: false }
    worker.on('message', (answer: Answer) => {
      const waiting = thread.open.get(answer.id)
      if (!waiting) return
      thread.open.delete(answer.id)
      if ('facts' in answer) waiting.resolve(answer.facts)
      else waiting.reject(answer.code ? new ReceiptError(answer.code, answer.message) : new Error(answer.message))
    })
    const lost = (error: unknown) => {
      if (thread.dead) return
      thread.dead = true
      for (const waiting of thread.open.values()) waiting.reject(error)
      thread.open.clear()
      if (this.closed) return
      // Replace a thread that died (it should not): its jobs failed with a 500, later ones go on.
      const index = this.threads.indexOf(thread)
      if (index >= 0) this.threads[index] = this.spawn()
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(new Error(`verification thread exited (${code})`)))
    worker.unref()
    return thread
  }
}
