// The collector's HTTP API (docs/collector.md) as a Hono app: serve it with `consentry-collector
// serve`, or mount `app.fetch` in a site's own server.

import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import type { ChainBreak } from '../receipts/verify.js'
import { nodeEs256Verifier } from './crypto.js'
import { checkAdmin, checkProof, isBearer } from './auth.js'
import { HttpError } from './errors.js'
import { csvHeader, formatEntry, parseTime } from './export.js'
import { protectIp } from './ip.js'
import { publishedJwks } from './keyring.js'
import { receivedAtOf } from './log.js'
import { registerLogRoutes } from './log-routes.js'
import type { WitnessKey } from './witness.js'
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from './rate-limit.js'
import type { ReceiptService } from './service.js'
import { mountDashboard } from './dashboard.js'
import { mountStats } from './stats.js'
import { scan, type LogEntry } from './storage/types.js'
import { errorAnswer, ReceiptPost, type Answer } from './receipt-post.js'

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024

import { gvlSource, type GvlOptions } from './gvl.js'
export interface AppOptions {
  service: ReceiptService
  /** Bearer token for admin routes; without one they answer 403. */
  adminToken?: string | undefined
  /** Origins allowed to call POST /receipts (and GET /receipts/{id}) from a page; default '*'. */
  allowedOrigins?: string[] | '*'
  /** Largest accepted receipt body, in bytes (default 16 KiB). */
  maxBodyBytes?: number
  /**
   * The client address to store (truncated or HMAC'd). Default: the socket's peer address
   * when served by @hono/node-server. Behind a proxy, read X-Forwarded-For here instead.
   */
  clientIp?: (c: Context) => string | undefined
  now?: () => number
  /** Unexpected errors (5xx) are reported here; default console.error. */
  onError?: (error: unknown) => void
  /** Per client network and per consent id (rate-limit.ts); `false` turns them all off. */
  rateLimits?: RateLimits | false
  /** The checkpoint verifier key served at GET /log/key (log-routes.ts). */
  logKey?: string | undefined
  /** Witnesses whose cosignatures POST /log/cosignature accepts (witness.ts). */
  witnesses?: WitnessKey[] | undefined
  /** IAB TCF: serve the Global Vendor List at GET /gvl/<name> from a file or a cached upstream (gvl.ts). */
  gvl?: GvlOptions
  /**
   * POST /receipts as made by receiptPostOf(these options); given when a node:http fast path
   * (receipt-listener.ts) answers the same route, so that both share the rate limits.
   */
  receipts?: ReceiptPost | undefined
}

const limiterOf = (rates: AppOptions['rateLimits'], which: keyof RateLimits, what: string, now: () => number): RateLimiter | undefined => {
  const rate = rates === false ? undefined : ({ ...DEFAULT_RATE_LIMITS, ...rates } as RateLimits)[which]
  return rate ? new RateLimiter(rate, what, now) : undefined
}

/** POST /receipts for these options: its body limit, allowed origins and rate limits. */
export function receiptPostOf(options: Omit<AppOptions, 'receipts'>): ReceiptPost {
  const now = options.now ?? Date.now
  return new ReceiptPost({
    service: options.service,
    allowedOrigins: options.allowedOrigins ?? '*',
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    receiptsPerIp: limiterOf(options.rateLimits, 'receiptsPerIp', 'client network', now),
    receiptsPerSubject: limiterOf(options.rateLimits, 'receiptsPerSubject', 'consent id', now),
    onError: options.onError ?? console.error,
  })
}

/** Receipts per page of GET /receipts/{consentId}: default and most. */
const DEFAULT_PAGE = 100
const MAX_PAGE = 1000

/** A query parameter that must be a whole number in [min, max], or absent. */
function whole(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new HttpError(400, 'query', `${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`)
  return n
}

/** A stored receipt as GET /receipts/{consentId} shows it, with the breaks found on arrival. */
const receiptView = (e: LogEntry) => ({
  logIndex: e.logIndex,
  receivedAt: receivedAtOf(e.receivedMs),
  jti: e.jti,
  seq: e.seq,
  jws: e.jws,
  chain: e.chain === null ? [] : (JSON.parse(e.chain) as Omit<ChainBreak, 'sub' | 'seq' | 'jti'>[]),
  countersignature: e.countersignature,
})

const socketAddress = (c: Context): string | undefined =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress

const fail = (status: HttpError['status'], code: string, detail: string): never => {
  throw new HttpError(status, code, detail)
}

export function createApp(options: AppOptions): Hono {
  const { service } = options
  const store = service.store
  const now = options.now ?? Date.now
  const clientIp = options.clientIp ?? socketAddress
  const es256 = nodeEs256Verifier()
  const admin = (c: Context) => checkAdmin(options.adminToken, c.req.header('authorization'))
  const post = options.receipts ?? receiptPostOf(options)
  const readsPerIp = limiterOf(options.rateLimits, 'readsPerIp', 'client network', now)
  const readsPerSubject = limiterOf(options.rateLimits, 'readsPerSubject', 'consent id', now)
  // Limited per network, not per address: one abuser holds a whole /24 or /48 anyway.
  const network = (c: Context): string => protectIp(clientIp(c), { mode: 'truncate' }) ?? 'unknown'
  const app = new Hono()

  // Receipts carry no credentials, so any origin may post them by default (docs/collector.md).
  const corsOrigins = options.allowedOrigins ?? '*'
  const receiptsPreflight = cors({ origin: corsOrigins, allowMethods: ['POST'], allowHeaders: ['Content-Type'], maxAge: 86400 })
  // A POST gets what hono's cors would give it (Allow-Origin, Vary), as prepared headers: hono's
  // cors sets them on c.res before the handler runs, which builds a Response that the handler's
  // answer then replaces, and makes @hono/node-server take its slow path (a real undici
  // Response) for every receipt. Preflights still go through cors().
  app.use('/receipts', (c, next) => {
    if (c.req.method === 'OPTIONS') return receiptsPreflight(c, next)
    for (const [name, value] of Object.entries(post.corsHeaders(c.req.header('origin')))) c.header(name, value, { append: name === 'vary' })
    return next()
  })
  app.use('/receipts/:consentId', cors({ origin: corsOrigins, allowMethods: ['GET'], allowHeaders: ['Authorization'], maxAge: 86400 }))

  const send = (c: Context, answer: Answer) => c.body(answer.body, answer.status, answer.headers)
  const tooLarge = (c: Context) => send(c, post.tooLarge())
  const limit = bodyLimit({ maxSize: post.maxBodyBytes, onError: tooLarge })
  app.post(
    '/receipts',
    // What bodyLimit does, without touching c.req.raw when Content-Length says the size: under
    // @hono/node-server that keeps the request lazy (no Request, AbortSignal or stream is made)
    // and arrayBuffer() reads the socket directly. Chunked bodies still go through bodyLimit.
    async (c, next) => {
      const length = c.req.header('content-length')
      if (length === undefined || c.req.header('transfer-encoding') !== undefined) return limit(c, next)
      return post.tooLong(length) ? tooLarge(c) : next()
    },
    async (c) => send(c, await post.answer(c.req.header('content-type'), async () => new Uint8Array(await c.req.arrayBuffer()), clientIp(c))),
  )

  app.get('/.well-known/jwks.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    return c.json(await publishedJwks(store))
  })

  // A consent id's receipts, page by page, as they were verified on arrival (nothing is
  // re-verified here: a subject with thousands of receipts must not hold up everyone else).
  // The admin sees every receipt; a browser's proof sees only what its own key signed, so
  // knowing a consent id and signing something for it gives a stranger nothing to read.
  app.get('/receipts/:consentId', async (c) => {
    const sub = c.req.param('consentId')
    const after = whole(c.req.query('after'), 'after', 0, 0, Number.MAX_SAFE_INTEGER)
    const limit = whole(c.req.query('limit'), 'limit', DEFAULT_PAGE, 1, MAX_PAGE)
    const authorization = c.req.header('authorization')
    let kid: string | undefined
    if (isBearer(authorization)) admin(c)
    else {
      readsPerIp?.take(network(c))
      readsPerSubject?.take(sub)
      kid = await checkProof(authorization, sub, now(), (nonce, at, expires) => store.useNonce(nonce, at, expires), es256)
    }
    const entries = await store.bySubject({ sub, kid, afterIndex: after, limit })
    if (entries.length === 0 && after === 0) {
      if (kid) fail(403, 'proof', 'proof: this key signed no stored receipt of this consent id')
      fail(404, 'not-found', `no stored receipts for consent id ${JSON.stringify(sub)}`)
    }
    const breaks = entries.flatMap((e) => receiptView(e).chain.map((b) => ({ sub, seq: e.seq!, jti: e.jti!, ...b })))
    return c.json({
      consentId: sub,
      receipts: entries.map(receiptView),
      chain: { ok: breaks.length === 0, breaks },
      next: entries.length === limit ? entries[entries.length - 1]!.logIndex : null,
    })
  })

  app.delete('/receipts/:consentId', async (c) => {
    admin(c)
    const sub = c.req.param('consentId')
    const { erased, entry } = await service.erase(sub)
    if (!entry) fail(404, 'not-found', `no stored receipts for consent id ${JSON.stringify(sub)}`)
    return c.json({ consentId: sub, erased: erased.length, logIndex: entry!.logIndex, countersignature: entry!.countersignature })
  })

  app.get('/export', async (c) => {
    admin(c)
    let range: { fromMs?: number | undefined; toMs?: number | undefined }
    try {
      range = { fromMs: parseTime(c.req.query('from'), 'from'), toMs: parseTime(c.req.query('to'), 'to') }
    } catch (error) {
      return fail(400, 'query', (error as Error).message)
    }
    const format = c.req.query('format') ?? 'jsonl'
    if (format !== 'jsonl' && format !== 'csv') fail(400, 'query', `format: expected jsonl or csv, got ${JSON.stringify(format)}`)
    const rows = scan(store, range)
    // The first page is read before the 200 goes out, so that a query the store refuses is
    // an error status, not a cut-off body.
    const first = await rows.next()
    const encoder = new TextEncoder()
    let pending: IteratorResult<LogEntry> | undefined = first
    let header = format === 'csv' ? csvHeader() : ''
    // Pulled page by page: the whole log never sits in memory, and a slow reader slows the query.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = pending ?? (await rows.next())
        pending = undefined
        if (next.done) {
          if (header) controller.enqueue(encoder.encode(header))
          controller.close()
        } else controller.enqueue(encoder.encode(header + formatEntry(next.value, format as 'jsonl' | 'csv')))
        header = ''
      },
      async cancel() {
        await rows.return(undefined)
      },
    })
    const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8'
    return new Response(body, { headers: { 'Content-Type': type } })
  })

  registerLogRoutes(app, store, options.logKey, options.witnesses, now)
  if (options.gvl) {
    const gvl = gvlSource({ now, ...options.gvl })
    app.get('/gvl/:name', async (c) => {
      const answer = await gvl(c.req.param('name'))
      if (!answer) return c.json({ error: 'not-found', detail: `no vendor list file ${c.req.param('name')}` }, 404)
      return c.body(answer.body, 200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': `public, max-age=${answer.maxAge}`,
        'Access-Control-Allow-Origin': '*',
      })
    })
  }

  app.get('/healthz', async (c) => {
    const head = await store.head()
    return c.json({ ok: true, storage: store.dialect, logIndex: head.logIndex })
  })

  // Consent statistics and the site owner's console (docs/collector.md, "Statistics", "Console").
  mountStats(app, store, admin, now)
  mountDashboard(app)

  app.notFound((c) => c.json({ error: 'not-found', detail: `no route for ${c.req.method} ${c.req.path}` }, 404))

  app.onError((error, c) => send(c, errorAnswer(error, options.onError ?? console.error)))

  return app
}
