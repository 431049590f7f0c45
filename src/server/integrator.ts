// The integrator: adds the leaves appended since the last checkpoint to the Merkle tree and
// signs a new checkpoint, in one transaction (storage `integrate`). It runs a short while
// after each append in this process (batching: one checkpoint covers every receipt of that
// moment) and polls for entries other processes appended (a second collector on the same
// PostgreSQL database, `purge`), so that a checkpoint covers a receipt within about
// delayMs + the integration itself, well under a second (docs/collector.md, "Verifiable log").
//
// With several collectors on one PostgreSQL database only the holder of the integrator lock
// works (storage `claimIntegrator`); the others try again at every poll, so one of them takes
// over when the holder's connection dies. Correctness does not rest on that lock: every
// integration re-reads the checkpointed size inside its own transaction.

import type { CheckpointSigner } from './checkpoint.js'
import { frontierKeys, grow, mapNodes, nodeId, rootHash } from './merkle.js'
import type { GrowTree, Repository, StoredCheckpoint } from './storage/types.js'

export interface IntegratorOptions {
  store: Repository
  signer: CheckpointSigner
  now?: () => number
  /** Wait after an append before integrating, so that one checkpoint covers a burst (default 100 ms). */
  delayMs?: number
  /** How often to look for entries appended elsewhere, and to try for the lock (default 250 ms). */
  pollMs?: number
  /** Leaves per integration transaction (default 50,000). */
  maxLeaves?: number
  onError?: (error: unknown) => void
  /** This process became the integrator (it took the lock, perhaps from a collector that died). */
  onClaim?: () => void
}

/** The GrowTree of a signer: the new nodes, the new root, and its signed note. */
export function growAndSign(signer: CheckpointSigner, now: () => number = Date.now): GrowTree {
  return (size, leaves, frontier) => {
    const nodes = grow(size, leaves, frontier)
    const known = new Map([...frontier, ...mapNodes(nodes)])
    const newSize = size + leaves.length
    const root = rootHash(newSize, (level, index) => {
      const hash = known.get(nodeId(level, index))
      if (!hash) throw new Error(`integration: node ${nodeId(level, index)} of the frontier ${JSON.stringify(frontierKeys(newSize))} is missing`)
      return hash
    })
    return { nodes, checkpoint: { size: newSize, root: root.toString('base64'), note: signer.note(newSize, root), createdMs: now() } }
  }
}

export class Integrator {
  private readonly options: Required<Omit<IntegratorOptions, 'now' | 'onError' | 'onClaim'>> & Pick<IntegratorOptions, 'onError' | 'onClaim'>
  private readonly growTree: GrowTree
  private timer: ReturnType<typeof setTimeout> | undefined
  private poller: ReturnType<typeof setInterval> | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  /** Whether this process holds the integrator lock. */
  holder = false

  constructor(options: IntegratorOptions) {
    this.options = { delayMs: 100, pollMs: 250, maxLeaves: 50_000, ...options }
    this.growTree = growAndSign(options.signer, options.now)
  }

  start(): this {
    this.poller = setInterval(() => void this.run(), this.options.pollMs)
    this.poller.unref?.()
    void this.run()
    return this
  }

  /** Something was appended here: integrate shortly. */
  poke(): void {
    if (this.timer || this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.run()
    }, this.options.delayMs)
    this.timer.unref?.()
  }

  /** Integrates everything appended so far (if this process is the integrator); resolves to the newest checkpoint made. */
  async integrateNow(): Promise<StoredCheckpoint | undefined> {
    const { store, maxLeaves } = this.options
    if (!(await this.claim())) return undefined
    let last: StoredCheckpoint | undefined
    for (;;) {
      const made = await store.integrate(maxLeaves, this.growTree)
      if (!made) return last
      last = made
    }
  }

  private async claim(): Promise<boolean> {
    if (this.holder) return true
    this.holder = await this.options.store.claimIntegrator()
    if (this.holder) this.options.onClaim?.()
    return this.holder
  }

  private run(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        try {
          const [head, checkpoint] = await Promise.all([this.options.store.head(), this.options.store.checkpoint()])
          // Nothing new: no write transaction (SQLite would take its write lock for nothing).
          if (head.logIndex > (checkpoint?.size ?? 0)) await this.integrateNow()
          else await this.claim()
        } catch (error) {
          // A lost connection loses the lock with it: claim it again at the next poll.
          this.holder = false
          ;(this.options.onError ?? ((e) => console.error('consentry-collector: integration failed:', (e as Error).message)))(error)
        }
      } while (this.again && !this.stopped)
    })().finally(() => (this.running = undefined))
    return this.running
  }

  /** Stops polling and waits for an integration under way. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (this.poller) clearInterval(this.poller)
    await this.running
  }
}
