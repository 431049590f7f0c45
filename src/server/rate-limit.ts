// Token buckets per client network and per consent id (docs/collector.md, "Limits"): one
// address, or one consent id, cannot flood the log or read a subject's receipts over and over.
// In memory, per process: collectors behind a load balancer each apply the limit on their own.

import { HttpError } from './errors.js'

/** `n` requests per `seconds`, refilled continuously; a burst of up to `n` is allowed. */
export interface Rate {
  n: number
  seconds: number
}

/** "600/min", "10/s", "5000/h", or "off". */
export function parseRate(text: string, name: string): Rate | undefined {
  if (text.trim() === 'off') return undefined
  const match = /^\s*(\d+)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/.exec(text)
  const n = match ? Number(match[1]) : 0
  if (!match || n < 1) throw new RangeError(`${name}: expected a rate such as "600/min", "10/s" or "off", got ${JSON.stringify(text)}`)
  const unit = match[2]!
  return { n, seconds: unit.startsWith('s') ? 1 : unit.startsWith('m') ? 60 : 3600 }
}

interface Bucket {
  tokens: number
  at: number
}

/** Buckets kept at most; past that, full ones (idle clients) are forgotten first. */
const MAX_BUCKETS = 100_000

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMs: number

  constructor(
    private readonly rate: Rate,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = rate.n / (rate.seconds * 1000)
  }

  /** Takes one token for `key`, or throws HttpError 429 with the seconds until the next one. */
  take(key: string): void {
    const now = this.now()
    const bucket = this.buckets.get(key)
    const tokens = bucket ? Math.min(this.rate.n, bucket.tokens + (now - bucket.at) * this.perMs) : this.rate.n
    if (tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000))
      throw new HttpError(
        429,
        'rate-limited',
        `too many requests for this ${this.what} (at most ${this.rate.n} per ${this.rate.seconds} s); try again in ${retryAfter} s`,
        retryAfter,
      )
    }
    if (!bucket && this.buckets.size >= MAX_BUCKETS) this.forget(now)
    this.buckets.set(key, { tokens: tokens - 1, at: now })
  }

  private forget(now: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.rate.n) this.buckets.delete(key)
    // Still full of busy clients: drop the oldest half rather than grow without bound.
    if (this.buckets.size >= MAX_BUCKETS) [...this.buckets.keys()].slice(0, MAX_BUCKETS / 2).forEach((k) => this.buckets.delete(k))
  }
}

export interface RateLimits {
  /** POST /receipts per client network (IPv4 /24, IPv6 /48). Default 600/min. */
  receiptsPerIp?: Rate | undefined
  /** POST /receipts per consent id. Default 60/min. */
  receiptsPerSubject?: Rate | undefined
  /** GET /receipts/{id} per client network. Default 120/min. */
  readsPerIp?: Rate | undefined
  /** GET /receipts/{id} per consent id. Default 30/min. */
  readsPerSubject?: Rate | undefined
}

export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  receiptsPerIp: { n: 600, seconds: 60 },
  receiptsPerSubject: { n: 60, seconds: 60 },
  readsPerIp: { n: 120, seconds: 60 },
  readsPerSubject: { n: 30, seconds: 60 },
}
