// `serve` answers POST /receipts on node:http directly (receipt-listener.ts) and everything else
// through Hono: the fast path must give the Hono route's answers, headers and rate limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRequestListener } from '@hono/node-server'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { receiptsFirst, type Collector } from '../../src/server/index.js'
import { backends } from './helpers/backends.js'
import { freshCollector, visitors } from './helpers/fresh.js'
import { Browser } from './helpers/receipts.js'

const sqlite = backends().find((b) => b.name === 'sqlite')!
const ORIGIN = 'https://shop.example'

interface Seen {
  status: number
  type: string | null
  allowOrigin: string | null
  vary: string | null
  retryAfter: string | null
  body: Record<string, unknown>
}
const seen = async (res: Response): Promise<Seen> => ({
  status: res.status,
  type: res.headers.get('content-type'),
  allowOrigin: res.headers.get('access-control-allow-origin'),
  vary: res.headers.get('vary'),
  retryAfter: res.headers.get('retry-after'),
  body: (await res.json()) as Record<string, unknown>,
})

describe('POST /receipts on node:http (receiptsFirst)', () => {
  let collector: Collector
  let server: Server
  let url: string

  async function start(options: Parameters<typeof freshCollector>[1]) {
    ;({ collector } = await freshCollector(sqlite, { ...visitors, allowedOrigins: [ORIGIN], ...options }))
    const peer = (request: IncomingMessage) => (request.headers['x-test-ip'] as string | undefined) ?? '203.0.113.77'
    server = createServer(receiptsFirst(collector.receipts, getRequestListener(collector.app.fetch), peer))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  async function stop() {
    await new Promise((resolve) => server.close(resolve))
    await collector.close() // and its store
  }
  beforeAll(() => sqlite.setup())
  afterAll(() => sqlite.teardown())

  /** The same request to the node:http server and to the Hono app alone. */
  const both = async (body: BodyInit | (() => BodyInit), headers: Record<string, string>): Promise<[Seen, Seen]> => {
    const make = () => (typeof body === 'function' ? body() : body)
    const fast = await seen(await fetch(`${url}/receipts`, { method: 'POST', body: make(), headers }))
    const hono = await seen(await collector.app.request('/receipts', { method: 'POST', body: make(), headers }))
    return [fast, hono]
  }

  describe('answers as the Hono route does', () => {
    beforeAll(() => start({}))
    afterAll(() => stop())

    it('201 for a new receipt, 200 with the same acknowledgement for a repeat, CORS for an allowed origin', async () => {
      const jws = new Browser().receipt()
      const created = await seen(
        await fetch(`${url}/receipts`, { method: 'POST', body: jws, headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN } }),
      )
      expect(created).toMatchObject({ status: 201, type: 'application/json', allowOrigin: ORIGIN, vary: 'Origin' })
      expect(Object.keys(created.body).sort()).toEqual(['countersignature', 'jti', 'leafIndex', 'logIndex', 'receivedAt'])
      const [fast, hono] = await both(jws, { 'content-type': 'application/jose', origin: ORIGIN })
      expect(fast).toEqual({ ...created, status: 200 })
      expect(hono).toEqual(fast)
    })

    const refused: [string, BodyInit | (() => BodyInit), Record<string, string>, number][] = [
      ['a receipt that does not verify', 'nonsense', { 'content-type': 'text/plain' }, 400],
      ['a body that is not UTF-8', () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), { 'content-type': 'text/plain' }, 400],
      ['another Content-Type', () => new Browser().receipt(), { 'content-type': 'application/json' }, 415],
      ['a body over the limit', 'x'.repeat(17 * 1024), { 'content-type': 'text/plain' }, 413],
      ['an origin not allowed', 'nonsense', { 'content-type': 'text/plain', origin: 'https://elsewhere.example' }, 400],
    ]
    for (const [name, body, headers, status] of refused) {
      it(`${status} for ${name}, with the same body and headers`, async () => {
        const [fast, hono] = await both(body, headers)
        expect(fast.status).toBe(status)
        expect(fast).toEqual(hono)
      })
    }

    it('leaves a chunked receipt, and every other route, to the Hono app', async () => {
      const jws = new Browser().receipt()
      const chunked = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(jws))
          controller.close()
        },
      })
      const res = await fetch(`${url}/receipts`, { method: 'POST', body: chunked, headers: { 'content-type': 'text/plain' }, duplex: 'half' } as RequestInit)
      expect(res.status).toBe(201)
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      expect((await fetch(`${url}/receipts`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } })).status).toBe(204)
    })
  })

  describe('rate limits', () => {
    beforeAll(() => start({ rateLimits: { receiptsPerIp: { n: 2, seconds: 3600 } } }))
    afterAll(() => stop())

    it('are shared with the Hono route: two receipts here, the third there is 429', async () => {
      const post = (body: string) => fetch(`${url}/receipts`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } })
      expect((await post(new Browser().receipt())).status).toBe(201)
      expect((await post(new Browser().receipt())).status).toBe(201)
      const third = await seen(
        await collector.app.request('/receipts', { method: 'POST', body: new Browser().receipt(), headers: { 'content-type': 'text/plain' } }),
      )
      expect(third).toMatchObject({ status: 429, body: { error: 'rate-limited' } })
      expect(Number(third.retryAfter)).toBeGreaterThan(0)
      const fourth = await seen(await post(new Browser().receipt()))
      expect(fourth).toMatchObject({ status: 429, body: { error: 'rate-limited' } })
    })
  })
})
