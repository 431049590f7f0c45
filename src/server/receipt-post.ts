// POST /receipts without a framework: the checks, the CORS headers and the answers (the
// acknowledgement and every error) that the Hono route (app.ts) and the node:http fast path
// (receipt-listener.ts) share, so that both answer byte for byte alike.

import { ReceiptError } from '../receipts/verify.js'
import { HttpError } from './errors.js'
import { protectIp, type IpPolicy } from './ip.js'
import type { RateLimiter } from './rate-limit.js'
import type { ReceiptService } from './service.js'
import { StoreBusyError } from './storage/types.js'

/** An HTTP answer with a JSON body. */
export interface Answer {
  status: 200 | 201 | HttpError['status'] | 500
  headers: Record<string, string>
  body: string
}

export interface ReceiptPostOptions {
  service: ReceiptService
  /** Origins allowed to post receipts from a page, or '*'. */
  allowedOrigins: string[] | '*'
  maxBodyBytes: number
  receiptsPerIp?: RateLimiter | undefined
  receiptsPerSubject?: RateLimiter | undefined
  /** Unexpected errors (5xx) are reported here. */
  onError: (error: unknown) => void
}

const TRUNCATE: IpPolicy = { mode: 'truncate' }
const JSON_TYPE = 'application/json'
const RECEIPT_TYPES = ['text/plain', 'application/jose']
/** Stateless between calls (no `stream`), so one serves every request. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

const json = (status: Answer['status'], value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': JSON_TYPE, ...headers },
  body: JSON.stringify(value),
})

/** The answer to any error a request can end in: 4xx for what the client can fix, 503 busy, 500 the rest. */
export function errorAnswer(error: unknown, onError: (error: unknown) => void): Answer {
  if (error instanceof ReceiptError) return json(400, { error: error.code, detail: error.message })
  if (error instanceof StoreBusyError) return json(503, { error: 'busy', detail: `${error.message}; try again shortly` }, { 'retry-after': '1' })
  if (error instanceof HttpError) {
    const headers: Record<string, string> = {}
    if (error.status === 401) headers['www-authenticate'] = 'Bearer'
    if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter)
    return json(error.status, { error: error.code, detail: error.message }, headers)
  }
  onError(error)
  return json(500, { error: 'internal', detail: 'the collector could not handle this request; try again later' })
}

export class ReceiptPost {
  readonly maxBodyBytes: number
  private readonly options: ReceiptPostOptions
  /** With every origin allowed, the same header object serves every answer. */
  private readonly anyOrigin: Record<string, string> | undefined

  constructor(options: ReceiptPostOptions) {
    this.options = options
    this.maxBodyBytes = options.maxBodyBytes
    this.anyOrigin = options.allowedOrigins === '*' ? { 'access-control-allow-origin': '*' } : undefined
  }

  /** What hono's cors would add to a POST from `origin` (Allow-Origin when allowed, Vary). */
  corsHeaders(origin: string | undefined): Record<string, string> {
    if (this.anyOrigin) return this.anyOrigin
    const allowed = origin !== undefined && (this.options.allowedOrigins as string[]).includes(origin)
    return allowed ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' }
  }

  /** Whether a declared Content-Length is over the limit (the body need not be read). */
  tooLong(contentLength: string): boolean {
    return Number.parseInt(contentLength, 10) > this.maxBodyBytes
  }

  tooLarge(): Answer {
    return errorAnswer(new HttpError(413, 'too-large', `a receipt may be at most ${this.maxBodyBytes} bytes`), this.options.onError)
  }

  /**
   * Checks, verifies and stores one posted receipt, in the order the checks cost: the
   * per-network rate limit, the Content-Type, then the body is read (`read`), decoded and
   * handed to the service. The answer carries no CORS headers yet.
   */
  async answer(contentType: string | undefined, read: () => Promise<Uint8Array>, clientIp: string | undefined): Promise<Answer> {
    try {
      // Limited per network, not per address: one abuser holds a whole /24 or /48 anyway.
      this.options.receiptsPerIp?.take(protectIp(clientIp, TRUNCATE) ?? 'unknown')
      const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
      if (!RECEIPT_TYPES.includes(type)) {
        throw new HttpError(415, 'content-type', `expected Content-Type text/plain or application/jose (a compact JWS), got ${JSON.stringify(type || 'none')}`)
      }
      const body = await read()
      let text: string
      try {
        text = utf8.decode(body)
      } catch {
        throw new HttpError(400, 'format', 'the body is not UTF-8 text')
      }
      const perSubject = this.options.receiptsPerSubject
      const { status, ack } = await this.options.service.submit(text, clientIp, perSubject && ((receipt) => perSubject.take(receipt.sub)))
      return json(status, ack)
    } catch (error) {
      return errorAnswer(error, this.options.onError)
    }
  }
}
