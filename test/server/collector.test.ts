// The collector's behaviour through its HTTP API, the same suite against SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactVerify, importJWK } from 'jose'
import { randomUUID } from 'node:crypto'
import { createCollector, type Collector, type CollectorOptions } from '../../src/server/index.js'
import { audit } from '../../src/server/audit.js'
import { backends, type Opened } from './helpers/backends.js'
import { freshCollector, visitors } from './helpers/fresh.js'
import { Browser, b64url, browserKey, claims, sha256, signJws } from './helpers/receipts.js'

const ADMIN = 'admin-token-for-tests'

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`collector on ${backend.name}`, () => {
    let db: Opened
    let collector!: Collector

    beforeAll(async () => {
      await backend.setup()
    })
    afterAll(async () => {
      await backend.teardown()
    })

    async function fresh(options: Partial<CollectorOptions> = {}) {
      await (collector as Collector | undefined)?.close()
      ;({ db, collector } = await freshCollector(backend, { ...visitors, adminToken: ADMIN, allowedOrigins: ['https://shop.example'], ...options }))
      return collector
    }
    const post = async (body: BodyInit, type = 'text/plain;charset=UTF-8', headers: Record<string, string> = {}) =>
      collector.app.request('/receipts', { method: 'POST', body, headers: { 'content-type': type, ...headers } })
    const admin = (path: string, init: RequestInit = {}) =>
      collector.app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers as object) } })
    const jwks = () => ({ keys: [collector.key.publicJwk] })
    const exported = async () =>
      (await (await admin('/export')).text())
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))

    describe('POST /receipts', () => {
      beforeAll(() => fresh())
      afterAll(() => collector.close())

      it('stores a receipt: 201 with jti, receivedAt, logIndex and a countersignature jose can check', async () => {
        const browser = new Browser()
        const jws = browser.receipt()
        const res = await post(jws)
        expect(res.status).toBe(201)
        const ack = await res.json()
        expect(Object.keys(ack).sort()).toEqual(['countersignature', 'jti', 'leafIndex', 'logIndex', 'receivedAt'])
        expect(ack.logIndex).toBe(1)
        expect(ack.leafIndex).toBe(0)
        const jwk = ((await (await collector.app.request('/.well-known/jwks.json')).json()) as { keys: Record<string, string>[] }).keys[0]!
        expect(jwk).not.toHaveProperty('d')
        const { payload, protectedHeader } = await compactVerify(ack.countersignature, await importJWK(jwk, jwk.alg))
        expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: jwk.kid })
        const signed = JSON.parse(new TextDecoder().decode(payload))
        expect(signed).toEqual({ jti: ack.jti, sha256: sha256(jws), receivedAt: ack.receivedAt, logIndex: 1, entryHash: expect.any(String) })
      })

      it('answers 200 with the stored acknowledgement for a repeat (idempotent on jti)', async () => {
        const jws = new Browser().receipt()
        const first = await (await post(jws)).json()
        const again = await post(jws, 'application/jose')
        expect(again.status).toBe(200)
        expect(await again.json()).toEqual(first)
      })

      it('records chain breaks on the entry instead of rejecting', async () => {
        const browser = new Browser()
        await post(browser.receipt())
        browser.prev = sha256('not the previous receipt')
        expect((await post(browser.receipt({ event: 'updated' }))).status).toBe(201)
        browser.receipt() // seq 3 is lost
        expect((await post(browser.receipt({ event: 'withdrawn' }))).status).toBe(201)
        const res = await admin(`/receipts/${browser.sub}`)
        const body = await res.json()
        expect(body.receipts.map((r: { chain: { kind: string }[] }) => r.chain.map((b) => b.kind))).toEqual([[], ['prev-mismatch'], ['seq-gap']])
        expect(body.chain.ok).toBe(false)
      })

      it('links the receipts of one chain that arrive together (one batch)', async () => {
        const browser = new Browser()
        const chain = [browser.receipt(), browser.receipt({ event: 'updated' }), browser.receipt({ event: 'updated' })]
        browser.seq -= 1 // a second receipt with seq 3, chained to the first seq 3
        chain.push(browser.receipt({ event: 'withdrawn' }))
        browser.prev = sha256('not the previous receipt')
        chain.push(browser.receipt({ event: 'updated' }))
        const responses = await Promise.all(chain.map((jws) => post(jws)))
        expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201])
        const body = await (await admin(`/receipts/${browser.sub}`)).json()
        expect(body.receipts.map((r: { chain: { kind: string }[] }) => r.chain.map((b) => b.kind))).toEqual([
          [],
          [],
          [],
          ['duplicate-seq', 'prev-mismatch'],
          ['prev-mismatch'],
        ])
      })

      const key = browserKey()
      const tooBig = 'a'.repeat(2 * 1024 * 1024)
      const cases: [string, () => Promise<Response>, number, string][] = [
        [
          'alg none',
          () =>
            post(`${b64url(JSON.stringify({ alg: 'none', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid }))}.${b64url(JSON.stringify(claims()))}.AAAA`),
          400,
          'alg',
        ],
        [
          'HS256 with the public key as secret',
          async () => {
            const { SignJWT } = await import('jose')
            return post(
              await new SignJWT(claims())
                .setProtectedHeader({ alg: 'HS256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid } as never)
                .sign(new TextEncoder().encode(JSON.stringify(key.jwk))),
            )
          },
          400,
          'alg',
        ],
        [
          'jwk with d',
          () => post(signJws(key, claims(), { jwk: { ...key.jwk, d: (key.privateKey.export({ format: 'jwk' }) as { d: string }).d } })),
          400,
          'jwk',
        ],
        ['kid mismatch', () => post(signJws(key, claims(), { kid: browserKey().kid })), 400, 'kid'],
        [
          'tampered payload',
          () => {
            const [h, , s] = signJws(key, claims()).split('.')
            return post(`${h}.${b64url(JSON.stringify(claims({ categories: { advertising: true } })))}.${s}`)
          },
          400,
          'signature',
        ],
        ['truncated JWS', () => post(signJws(key, claims()).slice(0, 120)), 400, 'format'],
        ['non-JSON', () => post('this is not a receipt'), 400, 'format'],
        ['bad claim types', () => post(signJws(key, claims({ seq: '1' }))), 400, 'claims'],
        ['2 MB body', () => post(tooBig), 413, 'too-large'],
        ['wrong content type', () => post(signJws(key, claims()), 'application/json'), 415, 'content-type'],
        ['no content type', async () => collector.app.request('/receipts', { method: 'POST', body: new Uint8Array([1, 2]) }), 415, 'content-type'],
        ['bytes that are not UTF-8', () => post(new Uint8Array([0xff, 0xfe, 0x2e])), 400, 'format'],
        [
          'replayed jti with other content',
          async () => {
            const jti = randomUUID()
            expect((await post(signJws(key, claims({ jti })))).status).toBe(201)
            return post(signJws(key, claims({ jti, event: 'withdrawn' })))
          },
          409,
          'jti-conflict',
        ],
        ['far-future iat', () => post(signJws(key, claims({ iat: Math.floor(Date.now() / 1000) + 86400 }))), 400, 'iat'],
        ['iat older than 400 days', () => post(signJws(key, claims({ iat: Math.floor(Date.now() / 1000) - 401 * 86400 }))), 400, 'iat'],
      ]
      it.each(cases)('refuses %s with a clear JSON error, and keeps answering', async (_name, send, status, error) => {
        const res = await send()
        expect(res.status).toBe(status)
        const body = await res.json()
        expect(body.error).toBe(error)
        expect(typeof body.detail).toBe('string')
        expect(body.detail.length).toBeGreaterThan(10)
        expect((await post(new Browser().receipt())).status).toBe(201)
        expect((await collector.app.request('/healthz')).status).toBe(200)
      })

      it('stores client addresses truncated, never raw', async () => {
        const v4 = new Browser()
        await post(v4.receipt(), undefined, { 'x-test-ip': '198.51.100.23' })
        const v6 = new Browser()
        await post(v6.receipt(), undefined, { 'x-test-ip': '2001:db8:abcd:12::1' })
        const rows = await exported()
        expect(rows.find((r) => r.sub === v4.sub).ip).toBe('198.51.100.0/24')
        expect(rows.find((r) => r.sub === v6.sub).ip).toBe('2001:db8:abcd::/48')
        expect(JSON.stringify(rows)).not.toContain('198.51.100.23')
      })

      it('answers CORS for allowed origins only', async () => {
        const preflight = (origin: string) =>
          collector.app.request('/receipts', {
            method: 'OPTIONS',
            headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
          })
        expect((await preflight('https://shop.example')).headers.get('access-control-allow-origin')).toBe('https://shop.example')
        expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
        const res = await post(new Browser().receipt(), undefined, { origin: 'https://shop.example' })
        expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      })

      it('gives every receipt its own place under concurrency, and the chain audits clean', async () => {
        const before = (await collector.store.head()).logIndex
        const responses = await Promise.all(Array.from({ length: 200 }, () => post(new Browser().receipt())))
        const indexes = (await Promise.all(responses.map((r) => r.json()))).map((a) => a.logIndex).sort((a, b) => a - b)
        expect(indexes).toEqual(Array.from({ length: 200 }, (_, i) => before + 1 + i))
        const report = await audit(collector.store, jwks())
        expect(report.findings).toEqual([])
      })

      it('keeps one total order when two collectors share the database', async () => {
        const second = await createCollector({ store: await db.reopen(), key: collector.key })
        const before = (await collector.store.head()).logIndex
        const send = (app: typeof collector.app) =>
          app.request('/receipts', { method: 'POST', body: new Browser().receipt(), headers: { 'content-type': 'text/plain' } })
        const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => send(i % 2 ? collector.app : second.app)))
        expect(responses.every((r) => r.status === 201)).toBe(true)
        expect((await collector.store.head()).logIndex).toBe(before + 100)
        expect((await audit(collector.store, jwks())).ok).toBe(true)
        await second.close()
      })

      it('answers unknown routes with a JSON 404', async () => {
        const res = await collector.app.request('/nope')
        expect(res.status).toBe(404)
        expect((await res.json()).error).toBe('not-found')
      })
    })

    describe('reading, erasing, exporting', () => {
      beforeAll(() => fresh())
      afterAll(() => collector.close())

      it('lets a browser read its own receipts with a fresh proof signed by its key, once per nonce', async () => {
        const browser = new Browser()
        await post(browser.receipt())
        await post(browser.receipt({ event: 'updated' }))
        const proof = browser.proof()
        const res = await collector.app.request(`/receipts/${browser.sub}`, { headers: { authorization: `Consentry ${proof}` } })
        expect(res.status).toBe(200)
        const body = await res.json()
        expect(body.receipts).toHaveLength(2)
        expect(body.chain.ok).toBe(true)
        const replay = await collector.app.request(`/receipts/${browser.sub}`, { headers: { authorization: `Consentry ${proof}` } })
        expect(replay.status).toBe(401)
        expect((await replay.json()).detail).toMatch(/nonce was already used/)
      })

      it('refuses a proof replayed to another collector that shares the database', async () => {
        const browser = new Browser()
        await post(browser.receipt())
        const proof = browser.proof()
        const second = await createCollector({ store: await db.reopen(), key: collector.key })
        const read = (app: typeof collector.app) => app.request(`/receipts/${browser.sub}`, { headers: { authorization: `Consentry ${proof}` } })
        expect((await read(collector.app)).status).toBe(200)
        const replay = await read(second.app)
        expect(replay.status).toBe(401)
        expect((await replay.json()).detail).toMatch(/nonce was already used/)
        await second.close()
      })

      it('refuses proofs by another key, for another consent id, stale, or malformed', async () => {
        const browser = new Browser()
        await post(browser.receipt())
        const stranger = new Browser()
        await post(stranger.receipt())
        const get = (auth: string) => collector.app.request(`/receipts/${browser.sub}`, { headers: { authorization: auth } })
        expect((await get(`Consentry ${stranger.proof({}, browser.sub)}`)).status).toBe(403)
        expect((await get(`Consentry ${browser.proof({ sub: stranger.sub })}`)).status).toBe(403)
        expect((await get(`Consentry ${browser.proof({ iat: Math.floor(Date.now() / 1000) - 3600 })}`)).status).toBe(401)
        expect((await get(`Consentry ${browser.proof({ nonce: 'short' })}`)).status).toBe(401)
        expect((await get('Consentry abc.def.ghi')).status).toBe(401)
        expect((await get('')).status).toBe(401)
        expect((await get('Bearer wrong')).status).toBe(401)
      })

      it('keeps admin routes closed without a configured token', async () => {
        const closed = await createCollector({ store: await db.reopen(), key: collector.key })
        const res = await closed.app.request('/export', { headers: { authorization: 'Bearer anything' } })
        expect(res.status).toBe(403)
        expect((await res.json()).error).toBe('admin-disabled')
        expect((await closed.app.request('/receipts/x', { method: 'DELETE' })).status).toBe(403)
        await closed.close()
      })

      it('erases a consent id: tombstones keep the chain checkable, a repeat stays a duplicate', async () => {
        const browser = new Browser()
        const first = browser.receipt()
        await post(first)
        await post(browser.receipt({ event: 'withdrawn' }))
        const other = new Browser()
        await post(other.receipt())
        const res = await admin(`/receipts/${browser.sub}`, { method: 'DELETE' })
        expect(res.status).toBe(200)
        expect(await res.json()).toMatchObject({ consentId: browser.sub, erased: 2 })
        expect((await admin(`/receipts/${browser.sub}`)).status).toBe(404)
        expect((await admin(`/receipts/${browser.sub}`, { method: 'DELETE' })).status).toBe(404)
        const rows = await exported()
        expect(JSON.stringify(rows)).not.toContain(browser.sub)
        const erasure = rows.find((r) => r.kind === 'erasure')
        expect(erasure.record).toMatchObject({ kind: 'erasure', count: 2 })
        const resent = await post(first)
        expect(resent.status).toBe(200)
        expect((await resent.json()).erased).toBe(true)
        expect((await audit(collector.store, jwks())).findings).toEqual([])
        expect((await admin(`/receipts/${other.sub}`)).status).toBe(200)
      })

      it('exports JSON lines within from/to', async () => {
        const before = Date.now() - 1
        const b = new Browser()
        await post(b.receipt())
        const res = await admin(`/export?from=${new Date(before).toISOString()}`)
        expect(res.headers.get('content-type')).toMatch(/jsonl/)
        const lines = (await res.text())
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
        expect(lines.map((l) => l.sub)).toEqual([b.sub])
        expect((await admin(`/export?to=${before}`)).status).toBe(200)
        expect((await admin('/export?from=yesterday')).status).toBe(400)
        expect((await collector.app.request('/export')).status).toBe(401)
      })

      it('purges by date with a purge record, and the log still audits clean', async () => {
        const cut = Date.now() + 1
        // The receipt kept must be stamped after the cut: wait for the clock to pass it.
        while (Date.now() <= cut) await new Promise((r) => setImmediate(r))
        const kept = new Browser()
        await post(kept.receipt())
        const { erased, entry } = await collector.service.purge(cut)
        expect(erased.length).toBeGreaterThan(3)
        expect(entry?.kind).toBe('purge')
        expect((await admin(`/receipts/${kept.sub}`)).status).toBe(200)
        expect((await audit(collector.store, jwks())).ok).toBe(true)
      })

      it('serves health', async () => {
        expect(await (await collector.app.request('/healthz')).json()).toMatchObject({ ok: true, storage: backend.name })
      })
    })

    describe('tamper evidence', () => {
      async function logOf(n: number) {
        await fresh()
        const browsers = Array.from({ length: n }, () => new Browser())
        for (const b of browsers) expect((await post(b.receipt())).status).toBe(201)
        await admin(`/receipts/${browsers[1]!.sub}`, { method: 'DELETE' }) // a tombstone and an erasure record too
        for (const b of browsers.slice(2)) await post(b.receipt({ event: 'updated' }))
        expect((await audit(collector.store, jwks())).findings).toEqual([])
        return browsers
      }
      const first = async () => (await audit(collector.store, jwks())).findings[0]
      afterAll(() => collector.close())

      it('the triggers refuse ordinary DELETE and UPDATE', async () => {
        await logOf(3)
        const raw = await db.reopen()
        await expect(
          collector.store.tombstone({ sub: 'nobody' }, Date.now(), () => {
            throw new Error('unused')
          }),
        ).resolves.toEqual({ erased: [] })
        await raw.close()
        const attempt = async (sql: string) => {
          if (backend.name === 'sqlite') {
            const { default: Sqlite } = await import('better-sqlite3')
            const conn = new Sqlite(db.location.db!)
            try {
              conn.exec(sql)
            } finally {
              conn.close()
            }
          } else {
            const { default: pg } = await import('pg')
            const client = new pg.Client({ connectionString: db.location.databaseUrl })
            await client.connect()
            try {
              await client.query(sql)
            } finally {
              await client.end()
            }
          }
        }
        await expect(attempt('DELETE FROM log_entries WHERE log_index = 2')).rejects.toThrow(/append-only/)
        await expect(attempt(`UPDATE log_entries SET sub = 'x' WHERE log_index = 3`)).rejects.toThrow(/append-only/)
        await expect(attempt(`UPDATE log_entries SET received_ms = 0, erased_ms = 1 WHERE log_index = 3`)).rejects.toThrow(/append-only/)
      })

      it('finds an edited receipt', async () => {
        const browsers = await logOf(4)
        const forged = browsers[3]!
        const row = (await exported()).find((r) => r.sub === forged.sub && r.seq === 1)
        await db.tamper('UPDATE log_entries SET jws = ? WHERE log_index = ?', [signJws(forged.key, claims({ sub: forged.sub })), row.logIndex])
        expect(await first()).toMatchObject({ logIndex: row.logIndex, kind: 'altered', detail: expect.stringMatching(/receipt text differs/) })
      })

      it('finds an edited column and an edited time', async () => {
        await logOf(4)
        await db.tamper(`UPDATE log_entries SET sub = 'someone-else' WHERE log_index = 3`)
        expect(await first()).toMatchObject({ logIndex: 3, kind: 'altered', detail: expect.stringMatching(/column sub/) })
        await logOf(4)
        await db.tamper('UPDATE log_entries SET received_ms = received_ms - 86400000 WHERE log_index = 4')
        expect(await first()).toMatchObject({ logIndex: 4, kind: 'altered' })
      })

      it('finds a deleted row', async () => {
        await logOf(5)
        await db.tamper('DELETE FROM log_entries WHERE log_index = 3')
        expect(await first()).toMatchObject({ logIndex: 3, kind: 'removed' })
      })

      it('finds reordered rows', async () => {
        await logOf(5)
        await db.tamper('UPDATE log_entries SET log_index = -1 WHERE log_index = 3')
        await db.tamper('UPDATE log_entries SET log_index = 3 WHERE log_index = 4')
        await db.tamper('UPDATE log_entries SET log_index = 4 WHERE log_index = -1')
        expect(await first()).toMatchObject({ logIndex: 3, kind: 'moved' })
      })

      it('finds an inserted row even when its hash chains correctly', async () => {
        await logOf(3)
        const head = await collector.store.head()
        const jws = new Browser().receipt()
        const { entryHash } = await import('../../src/server/log.js')
        const receivedMs = Date.now()
        const hash = entryHash(head.entryHash, sha256(jws), new Date(receivedMs).toISOString(), head.logIndex + 1)
        const forged = signJws(browserKey(), { jti: randomUUID(), logIndex: head.logIndex + 1 }, { typ: 'consent-countersignature+jwt' })
        await db.tamper(
          'INSERT INTO log_entries (log_index, kind, received_ms, content_hash, entry_hash, countersignature, jti, jws) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [head.logIndex + 1, 'receipt', receivedMs, sha256(jws), hash, forged, randomUUID(), jws],
        )
        expect(await first()).toMatchObject({ logIndex: head.logIndex + 1, kind: 'inserted' })
      })

      it('finds a receipt blanked without an erasure record, and a removed tail against a published head', async () => {
        await logOf(4)
        const head = await collector.store.head()
        await db.tamper('UPDATE log_entries SET jws = NULL, sub = NULL, erased_ms = 1 WHERE log_index = 1')
        expect(await first()).toMatchObject({ logIndex: 1, kind: 'altered', detail: expect.stringMatching(/no erasure or purge record/) })
        await logOf(4)
        const published = await collector.store.head()
        await db.tamper('DELETE FROM log_entries WHERE log_index = ?', [published.logIndex])
        // The hash chain alone could not tell; the Merkle tree still holds the removed entry's leaf.
        expect((await audit(collector.store, jwks())).findings).toContainEqual(expect.objectContaining({ logIndex: published.logIndex, kind: 'inserted' }))
        const report = await audit(collector.store, jwks(), { expectHead: published })
        expect(report.findings[0]).toMatchObject({ logIndex: published.logIndex, kind: 'removed' })
        expect(head.logIndex).toBeGreaterThan(0)
      })
    })
  })
}
