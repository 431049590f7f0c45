// The collector as strangers, malicious pages and careless operators meet it: who may read
// what, claims a database column cannot hold, signature twins, key history, a locked database,
// rate limits and a fuzzed flood of crafted receipts. The same suite on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { collectorKeyFrom, newPrivateKey, createCollector, type Collector, type CollectorOptions } from '../../src/server/index.js'
import { audit } from '../../src/server/audit.js'
import { keyFor, publishedJwks, rotateKey, trustedKeys } from '../../src/server/keyring.js'
import { ReceiptService } from '../../src/server/service.js'
import type { Repository } from '../../src/server/storage/types.js'
import { backends, type Opened } from './helpers/backends.js'
import { freshCollector, visitors } from './helpers/fresh.js'
import { Browser, b64url, browserKey, claims, sha256, signJws } from './helpers/receipts.js'

const ADMIN = 'admin-token-for-tests'
const newKey = () => collectorKeyFrom(newPrivateKey())

/** The same receipt with its ECDSA signature (r, s) turned into (r, n − s), computed here on its own. */
function mirrored(jws: string): string {
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
  const [h, p, sig] = jws.split('.') as [string, string, string]
  const raw = Buffer.from(sig, 'base64url')
  const s = BigInt('0x' + raw.subarray(32).toString('hex'))
  const twin = Buffer.concat([raw.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')])
  return `${h}.${p}.${b64url(twin)}`
}

/** A small deterministic PRNG (mulberry32), so that a failing fuzz case can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`collector trust on ${backend.name}`, () => {
    let db: Opened
    let collector!: Collector

    beforeAll(() => backend.setup())
    afterAll(async () => {
      await (collector as Collector | undefined)?.close()
      await backend.teardown()
    })

    async function fresh(options: Partial<CollectorOptions> = {}) {
      await (collector as Collector | undefined)?.close()
      ;({ db, collector } = await freshCollector(backend, { ...visitors, adminToken: ADMIN, ...options }))
      return collector
    }
    const post = (body: string, headers: Record<string, string> = {}) =>
      collector.app.request('/receipts', { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } })
    const read = (sub: string, authorization: string, query = '') => collector.app.request(`/receipts/${sub}${query}`, { headers: { authorization } })
    const jwks = async () => trustedKeys(collector.store, { keys: [collector.key.publicJwk] })

    describe('a stranger who knows a consent id', () => {
      beforeAll(() => fresh())

      it('reads only the receipts its own key signed, never the visitor’s', async () => {
        const visitor = new Browser()
        expect((await post(visitor.receipt())).status).toBe(201)
        expect((await post(visitor.receipt({ event: 'updated' }))).status).toBe(201)
        // The stranger signs a receipt for the visitor's consent id with a key of its own.
        const stranger = new Browser()
        expect((await post(signJws(stranger.key, claims({ sub: visitor.sub, seq: 1 })))).status).toBe(201)
        const res = await read(visitor.sub, `Consentry ${stranger.proof({}, visitor.sub)}`)
        expect(res.status).toBe(200)
        const body = await res.json()
        expect(body.receipts).toHaveLength(1)
        expect(body.receipts[0].jws).not.toBe(undefined)
        expect(JSON.stringify(body)).not.toContain(visitor.key.kid)
        // The visitor still reads its own two, and only those.
        const own = await (await read(visitor.sub, `Consentry ${visitor.proof()}`)).json()
        expect(own.receipts.map((r: { seq: number }) => r.seq)).toEqual([1, 2])
      })

      it('cannot plant breaks in the visitor’s chain', async () => {
        const visitor = new Browser()
        await post(visitor.receipt())
        const stranger = browserKey()
        await post(signJws(stranger, claims({ sub: visitor.sub, seq: 2, prev: sha256('x') })))
        await post(signJws(stranger, claims({ sub: visitor.sub, seq: 3, prev: sha256('y') })))
        expect((await post(visitor.receipt({ event: 'updated' }))).status).toBe(201)
        const own = await (await read(visitor.sub, `Consentry ${visitor.proof()}`)).json()
        expect(own.receipts.map((r: { chain: unknown[] }) => r.chain)).toEqual([[], []])
        expect(own.chain.ok).toBe(true)
      })
    })

    describe('claims a column cannot hold', () => {
      beforeAll(() => fresh({ rateLimits: false }))

      const crafted: [string, Record<string, unknown>][] = [
        ['a NUL in sub', { sub: 'abcdefghij\u0000klmnopqr' }],
        ['seq ≥ 2^31', { seq: 2 ** 31, prev: sha256('p') }],
        ['a 3 KB sub', { sub: 'a'.repeat(3000) }],
        ['a lone surrogate in sub', { sub: 'abcdefghijklmnop\ud800' }],
        ['a lone surrogate in controller', { controller: 'Example \udc00 Ltd' }],
        ['a control character in a category name', { categories: { 'ana\u0007lytics': true } }],
        ['an unknown mode', { mode: 'opt-maybe' }],
      ]
      it.each(crafted)('refuses %s with 400 claims, naming the claim', async (_name, overrides) => {
        const res = await post(signJws(browserKey(), claims({ sub: 'c-' + randomUUID(), ...overrides })))
        expect(res.status).toBe(400)
        const body = await res.json()
        expect(body.error).toBe('claims')
        expect(body.detail).toMatch(/^payload\./)
      })

      it('stores every valid receipt sent in the same batch as crafted ones, and audit stays clean', async () => {
        const valid = Array.from({ length: 40 }, () => new Browser().receipt())
        const bad = crafted.map(([, o]) => signJws(browserKey(), claims({ sub: 'c-' + randomUUID(), ...o })))
        const all = [...valid, ...bad].sort(() => Math.random() - 0.5)
        const statuses = await Promise.all(all.map(async (jws) => [jws, (await post(jws)).status] as const))
        for (const [jws, status] of statuses) expect(status).toBe(valid.includes(jws) ? 201 : 400)
        expect((await audit(collector.store, await jwks())).findings).toEqual([])
      })

      it('answers each receipt of a failed batch on its own merit', async () => {
        // A store that fails any batch holding the poisoned receipt, as a database error would.
        const poisoned = new Browser().receipt()
        const poisonedJti = JSON.parse(Buffer.from(poisoned.split('.')[1]!, 'base64url').toString()).jti
        const store: Repository = {
          ...collector.store,
          appendReceipts: (batch, seal) =>
            batch.some((r) => r.jti === poisonedJti) ? Promise.reject(new Error('value too long for the column')) : collector.store.appendReceipts(batch, seal),
        }
        const service = new ReceiptService({ store, key: collector.key })
        const others = Array.from({ length: 10 }, () => new Browser().receipt())
        const results = await Promise.allSettled([poisoned, ...others].map((jws) => service.submit(jws)))
        expect(results[0]!.status).toBe('rejected')
        expect(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value.status : r.reason))).toEqual(Array(10).fill(201))
      })

      it('survives a fuzzed flood: every valid receipt stored, every crafted one refused, audit clean', async () => {
        const rand = random(20261204)
        const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!
        const nasty = (): unknown =>
          pick<() => unknown>([
            () => String.fromCharCode(...Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * 0x10000))),
            () => '\ud800' + 'x'.repeat(20),
            () => 'abc\u0000defghijklmnopq',
            () => 'z'.repeat(1 + Math.floor(rand() * 6000)),
            () => 2 ** 31 + Math.floor(rand() * 1e6),
            () => Number.MAX_SAFE_INTEGER,
            () => -1,
            () => 1e308,
            () => ({ '\udfff': true }),
            () => null,
          ])()
        const fields = ['sub', 'seq', 'iat', 'controller', 'origin', 'sdk', 'region', 'mode', 'texts', 'categories', 'services', 'revision', 'policyUrl']
        const receipts: { jws: string; valid: boolean }[] = []
        for (let i = 0; i < 2000; i++) {
          if (rand() < 0.5) receipts.push({ jws: new Browser().receipt(), valid: true })
          else {
            const field = pick(fields)
            const value = field === 'texts' ? { lang: nasty(), sha256: sha256('t') } : field === 'categories' ? { [String(nasty())]: true } : nasty()
            receipts.push({ jws: signJws(browserKey(), claims({ sub: 'c-' + randomUUID(), [field]: value })), valid: false })
          }
        }
        const statuses: number[] = []
        for (let i = 0; i < receipts.length; i += 100) {
          statuses.push(...(await Promise.all(receipts.slice(i, i + 100).map(async (r) => (await post(r.jws)).status))))
        }
        receipts.forEach((r, i) => {
          if (r.valid) expect(statuses[i], `valid receipt ${i}`).toBe(201)
          // A crafted one may happen to be valid (a random string that is fine text); never a 5xx.
          else expect([201, 400, 413], `crafted receipt ${i}`).toContain(statuses[i])
        })
        const count = (status: number) => statuses.filter((s) => s === status).length
        console.log(
          `fuzz (${backend.name}): ${receipts.length} receipts, ${receipts.filter((r) => r.valid).length} valid; answers 201 × ${count(201)}, 400 × ${count(400)}, 413 × ${count(413)}, 5xx × ${statuses.filter((s) => s >= 500).length}`,
        )
        expect(count(400)).toBeGreaterThan(500)
        const report = await audit(collector.store, await jwks())
        expect(report.findings).toEqual([])
        expect(report.receipts).toBe(statuses.filter((s) => s === 201).length + 40 + 10)
        expect((await collector.app.request('/healthz')).status).toBe(200)
      }, 120_000)
    })

    describe('a consent id with many receipts', () => {
      beforeAll(() => fresh({ rateLimits: false }))

      it('answers page by page (?after=&limit=), the admin and the browser alike', async () => {
        const visitor = new Browser()
        for (let i = 0; i < 230; i += 10) await Promise.all(Array.from({ length: 10 }, () => post(visitor.receipt({ event: 'updated' }))))
        const pages: number[][] = []
        let after = 0
        for (;;) {
          const res = await read(visitor.sub, `Bearer ${ADMIN}`, `?after=${after}`)
          const body = await res.json()
          pages.push(body.receipts.map((r: { seq: number }) => r.seq))
          if (body.next === null || body.next === undefined || pages.length > 10) break
          after = body.next
        }
        expect(pages.map((p) => p.length)).toEqual([100, 100, 30])
        expect(pages.flat()).toEqual(Array.from({ length: 230 }, (_, i) => i + 1))
        const small = await (await read(visitor.sub, `Consentry ${visitor.proof()}`, '?limit=7')).json()
        expect(small.receipts).toHaveLength(7)
        expect(small.next).toBe(small.receipts[6].logIndex)
        expect((await read(visitor.sub, `Bearer ${ADMIN}`, '?limit=5000')).status).toBe(400)
        expect((await read(visitor.sub, `Bearer ${ADMIN}`, '?after=-1')).status).toBe(400)
      })
    })

    describe('signature twins', () => {
      beforeAll(() => fresh())

      it('treats a receipt re-signed as (r, n − s) as the same receipt: 200, not 409, and the chain holds', async () => {
        const visitor = new Browser()
        const real = visitor.receipt()
        const twin = mirrored(real)
        expect(twin).not.toBe(real)
        expect((await post(twin)).status).toBe(201) // an observer posts the twin first
        const again = await post(real)
        expect(again.status).toBe(200)
        expect((await post(visitor.receipt({ event: 'updated' }))).status).toBe(201) // prev = hash of the real one
        const own = await (await read(visitor.sub, `Consentry ${visitor.proof()}`)).json()
        expect(own.chain).toEqual({ ok: true, breaks: [] })
      })
    })

    describe('key history', () => {
      it('publishes retired keys, and audit checks old entries through the rotation', async () => {
        await fresh()
        const first = collector.key
        for (let i = 0; i < 3; i++) await post(new Browser().receipt())
        const next = newKey()
        await rotateKey(collector.store, next, first)
        const published = await publishedJwks(collector.store)
        expect(published.keys.map((k) => [k.kid, k.status])).toEqual([
          [next.kid, undefined],
          [first.kid, 'retired'],
        ])
        // A collector on the new key serves both; the old one may no longer start.
        const second = await createCollector({ store: await db.reopen(), key: next, adminToken: ADMIN })
        const served = await (await second.app.request('/.well-known/jwks.json')).json()
        expect(served.keys.map((k: { kid: string }) => k.kid)).toEqual([next.kid, first.kid])
        expect(
          (await second.app.request('/receipts', { method: 'POST', body: new Browser().receipt(), headers: { 'content-type': 'text/plain' } })).status,
        ).toBe(201)
        await expect(createCollector({ store: await db.reopen(), key: first })).rejects.toThrow(/was retired/)
        // Audit, trusting only the new key, still accepts the entries the old key signed.
        const report = await audit(collector.store, await trustedKeys(collector.store, { keys: [next.publicJwk] }))
        expect(report.findings).toEqual([])
        expect(report.entries).toBe(4)
        await second.close()
      })

      it('trusts no key that was merely written into the key table', async () => {
        await fresh()
        await post(new Browser().receipt())
        const forged = newKey()
        await db.tamper(`INSERT INTO collector_keys (kid, jwk, status, created_ms, endorsement) VALUES (?, ?, 'retired', 0, ?)`, [
          forged.kid,
          JSON.stringify(forged.publicJwk),
          forged.sign({ retires: forged.publicJwk }, 'consent-key-endorsement+jwt'),
        ])
        const trusted = await trustedKeys(collector.store, { keys: [collector.key.publicJwk] })
        expect(trusted.keys.map((k) => k.kid)).toEqual([collector.key.kid])
      })

      it('adopts the key of a log written before key history was kept, and only that key', async () => {
        db = await backend.open()
        const old = newKey()
        // Entries countersigned by `old`, with no key recorded (as an older collector left them).
        const service = new ReceiptService({ store: db.store, key: old })
        for (let i = 0; i < 2; i++) expect((await service.submit(new Browser().receipt())).status).toBe(201)
        expect(await db.store.keys()).toEqual([])
        await expect(createCollector({ store: await db.reopen(), key: newKey() })).rejects.toThrow(`newest entry is countersigned by key ${old.kid}`)
        const adopted = await createCollector({ store: await db.reopen(), key: old })
        expect((await publishedJwks(adopted.store)).keys.map((k) => k.kid)).toEqual([old.kid])
        await adopted.close()
        await db.store.close()
      })

      it('never starts a second key on a log that has entries', async () => {
        await fresh()
        await post(new Browser().receipt())
        await expect(createCollector({ store: await db.reopen(), key: newKey() })).rejects.toThrow(/not one of its keys/)
        const { mkdtempSync, existsSync } = await import('node:fs')
        const { join } = await import('node:path')
        const { tmpdir } = await import('node:os')
        const missing = join(mkdtempSync(join(tmpdir(), 'consentry-key-')), 'collector-key.pem')
        await expect(keyFor({ file: missing }, collector.store)).rejects.toThrow(/does not exist, but this log already has 1 entries countersigned by key/)
        expect(existsSync(missing)).toBe(false)
      })
    })

    describe('rate limits', () => {
      it('answers 429 with Retry-After past the per-network and per-consent-id rates', async () => {
        await fresh({ rateLimits: { receiptsPerIp: { n: 5, seconds: 60 }, receiptsPerSubject: { n: 2, seconds: 60 }, readsPerSubject: { n: 1, seconds: 60 } } })
        const visitor = new Browser()
        expect((await post(visitor.receipt())).status).toBe(201)
        expect((await post(visitor.receipt())).status).toBe(201)
        const limited = await post(visitor.receipt())
        expect(limited.status).toBe(429)
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        expect((await limited.json()).detail).toMatch(/consent id/)
        expect((await post(new Browser().receipt())).status).toBe(201)
        expect((await post(new Browser().receipt())).status).toBe(201)
        expect((await post(new Browser().receipt())).status).toBe(429) // the sixth from 203.0.113.0/24
        expect((await post(new Browser().receipt(), { 'x-test-ip': '203.0.113.200' })).status).toBe(429) // same /24
        expect((await post(new Browser().receipt(), { 'x-test-ip': '198.51.100.7' })).status).toBe(201)
        expect((await read(visitor.sub, `Consentry ${visitor.proof()}`)).status).toBe(200)
        expect((await read(visitor.sub, `Consentry ${visitor.proof()}`)).status).toBe(429)
      })
    })

    describe('export', () => {
      beforeAll(() => fresh())

      it('answers 400, never a cut-off 200, for a time the store cannot compare', async () => {
        await post(new Browser().receipt())
        for (const from of ['99999999999999999999999', '1e400', '-5']) {
          const res = await collector.app.request(`/export?from=${from}`, { headers: { authorization: `Bearer ${ADMIN}` } })
          expect(res.status, from).toBe(400)
          expect((await res.json()).error).toBe('query')
        }
      })
    })

    describe('purge', () => {
      it('runs in bounded chunks, each with its own record, and the log audits clean', async () => {
        await fresh({ rateLimits: false })
        for (let i = 0; i < 10; i++) await post(new Browser().receipt())
        const { erased, entries } = await collector.service.purge(Date.now() + 1000, 3)
        expect(erased).toHaveLength(10)
        expect(entries.map((e) => JSON.parse(e.record!).count)).toEqual([3, 3, 3, 1])
        expect((await audit(collector.store, await jwks())).findings).toEqual([])
      })
    })
  })
}
