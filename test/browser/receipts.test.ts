import { createHash } from 'node:crypto'
import { compactVerify, EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose'
import { beforeEach, describe, expect, test } from 'vitest'
import { action, page, site, useChromium } from './harness.js'

const config = {
  policyUrl: '/privacy',
  categories: { necessary: {}, functional: {}, analytics: { services: { ga4: {} } }, advertising: {} },
  receipts: { endpoint: '/receipts', controller: 'Example Ltd' },
  google: { consentMode: true },
}

/** What the endpoint saw: compact JWS bodies with their content type. */
let posts: { jws: string; type: string; status?: number }[] = []
/** Status codes to answer with, in turn; 201 once they run out. */
let answers: number[] = []

const t = useChromium(() =>
  site({ '/': page(config, '') }, (req, body) => {
    if (req.url !== '/receipts' || req.method !== 'POST') return undefined
    posts.push({ jws: body, type: String(req.headers['content-type']) })
    // Like the collector: 201 the first time a receipt is stored, 200 for a repeat.
    const seen = posts.slice(0, -1).some((x) => x.jws === body && (x.status ?? 500) < 300)
    const status = answers.shift() ?? (seen ? 200 : 201)
    posts[posts.length - 1].status = status
    return { status, type: 'application/json', body: status < 300 ? JSON.stringify({ jti: 'x', logIndex: posts.length }) : '{"error":"unavailable"}' }
  }),
)
beforeEach(() => {
  posts = []
  answers = []
})

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url')
const received = () => posts.map((x) => x.jws)

async function verify(jws: string) {
  const { payload, protectedHeader } = await compactVerify(jws, EmbeddedJWK)
  return { header: protectedHeader, claims: JSON.parse(new TextDecoder().decode(payload)) }
}

describe('signed consent receipts', () => {
  test('after Accept all the endpoint receives a JWS that jose verifies with its embedded key', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBeGreaterThan(0)
    expect(posts[0].type).toBe('text/plain;charset=UTF-8')
    const { header, claims } = await verify(posts[0].jws)
    expect(header).toMatchObject({ alg: 'ES256', typ: 'consent-receipt+jwt' })
    expect(header.jwk).not.toHaveProperty('d')
    expect(header.kid).toBe(await calculateJwkThumbprint(header.jwk as JWK, 'sha256'))
    const state = await t.page.evaluate(() => (window as any).Consentry.get())
    expect(claims).toMatchObject({
      sub: state.id,
      seq: 1,
      event: 'given',
      source: 'banner',
      categories: { necessary: true, functional: true, analytics: true, advertising: true },
      services: { 'analytics:ga4': true },
      revision: 1,
      gpc: false,
      origin: t.server.origin,
      controller: 'Example Ltd',
      policyUrl: '/privacy',
      gcm: { ad_storage: 'granted', analytics_storage: 'granted', security_storage: 'granted' },
    })
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(claims.prev).toBeUndefined()
    expect(claims.config).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(claims.texts).toMatchObject({ lang: 'en', sha256: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(30)
  })

  test('a second decision is seq 2, "withdrawn", and links to the first by SHA-256', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBe(1)
    await t.page.evaluate(() => (window as any).Consentry.save({ advertising: false }))
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBe(2)
    const second = (await verify(posts[1].jws)).claims
    expect(second).toMatchObject({ seq: 2, event: 'withdrawn', source: 'api', prev: sha256(posts[0].jws) })
    expect(second.categories.advertising).toBe(false)
  })

  test('the key survives a reload: the same kid signs the next receipt and the chain continues', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'reject-all').click()
    // Reload only once the page has the collector's answer: a reload while the POST is
    // in flight resends the receipt on the next load (at-least-once; the collector
    // answers 200 to the repeat), which is covered by the 503 test below.
    await expect
      .poll(async () => (await t.page.evaluate(() => (window as any).Consentry.receipts())).map((r: any) => r.status), { timeout: 10_000 })
      .toEqual(['sent'])
    expect(posts.length).toBe(1)
    await t.page.reload()
    await t.page.evaluate(() => (window as any).Consentry.acceptAll())
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBe(2)
    expect(decodeProtectedHeader(posts[1].jws).kid).toBe(decodeProtectedHeader(posts[0].jws).kid)
    expect((await verify(posts[0].jws)).claims.event).toBe('refused')
    expect((await verify(posts[1].jws)).claims).toMatchObject({ seq: 2, event: 'updated', prev: sha256(posts[0].jws) })
  })

  test('endpoint down (503) across reloads: every decision arrives later, each jti once', async () => {
    answers = [503, 503, 503, 503, 503, 503]
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => posts.length, { timeout: 10_000 }).toBeGreaterThan(0)
    await t.page.evaluate(() => (window as any).Consentry.rejectAll())
    // The withdrawal is signed into the outbox (with the first, still pending) before the reload.
    await expect.poll(async () => (await t.page.evaluate(() => (window as any).Consentry.receipts())).length, { timeout: 10_000 }).toBe(2)
    await t.page.reload()
    await t.page.evaluate(() => (window as any).Consentry.save({ analytics: true }))
    await t.page.reload()
    answers = []
    // The outbox retries on load and with backoff; wait for all three to get a 2xx.
    await expect
      .poll(async () => (await t.page.evaluate(() => (window as any).Consentry.receipts())).filter((r: any) => r.status === 'sent').length, { timeout: 30_000 })
      .toBe(3)
    const all = await Promise.all(received().map(async (jws) => (await verify(jws)).claims))
    const events = [...new Map(all.map((c) => [c.jti, c])).values()].sort((a, b) => a.seq - b.seq)
    expect(events.map((c) => [c.seq, c.event])).toEqual([
      [1, 'given'],
      [2, 'withdrawn'],
      [3, 'updated'],
    ])
    // Each receipt was stored exactly once.
    const accepted = await Promise.all(posts.filter((x) => x.status === 201).map(async (x) => (await verify(x.jws)).claims.jti))
    expect(accepted.length).toBe(3)
    expect(new Set(accepted).size).toBe(3)
    const list = await t.page.evaluate(() => (window as any).Consentry.receipts())
    expect(list.map((r: any) => r.status)).toEqual(['sent', 'sent', 'sent'])
    expect(new Set(list.map((r: any) => r.jti)).size).toBe(3)
  })

  test("receipts() lists this browser's receipts with the collector's answer", async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect
      .poll(async () => (await t.page.evaluate(() => (window as any).Consentry.receipts())).map((r: any) => r.status), { timeout: 10_000 })
      .toEqual(['sent'])
    const [receipt] = await t.page.evaluate(() => (window as any).Consentry.receipts())
    expect(receipt).toMatchObject({ seq: 1, event: 'given', source: 'banner', ack: { logIndex: 1 } })
  })
})
