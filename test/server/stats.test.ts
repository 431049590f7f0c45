// GET /stats: a seeded log with counts worked out by hand returns exactly them, for every `by`,
// on SQLite and PostgreSQL; the rollups are kept in the append transaction and backfilled for a
// log that predates them; erasure leaves the statistics as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { collectorKeyFrom, createCollector, type Collector } from '../../src/server/index.js'
import { backends, type Opened } from './helpers/backends.js'
import { Browser, sha256 } from './helpers/receipts.js'

const ADMIN = 'stats-admin-token'
const CFG_A = sha256('{"revision":1,"a":1}')
const CFG_B = sha256('{"revision":2,"b":2}')
const ALL = { necessary: true, functional: true, analytics: true, advertising: true }
const NONE = { necessary: true, functional: false, analytics: false, advertising: false }

interface Seed {
  day: string
  region?: string
  mode?: string
  revision: 1 | 2
  lang: string
  categories: Record<string, boolean>
  source?: string
}

/** r1 … r9 fall in 2026-03-01 … 2026-03-04; r10 is the day after, outside the range asked for. */
const SEED: Seed[] = [
  { day: '2026-03-01', region: 'EU', mode: 'opt-in', revision: 1, lang: 'en', categories: ALL },
  { day: '2026-03-01', region: 'EU', mode: 'opt-in', revision: 1, lang: 'de', categories: NONE },
  { day: '2026-03-01', region: 'US-CA', mode: 'opt-out', revision: 1, lang: 'en', categories: { ...ALL, advertising: false }, source: 'gpc' },
  { day: '2026-03-01', mode: 'opt-in', revision: 1, lang: 'en', categories: { ...NONE, analytics: true }, source: 'preferences' },
  { day: '2026-03-02', region: 'EU', mode: 'opt-in', revision: 2, lang: 'de', categories: ALL },
  { day: '2026-03-02', region: 'EU', mode: 'opt-in', revision: 2, lang: 'de', categories: ALL },
  { day: '2026-03-02', region: 'US-CA', mode: 'opt-out', revision: 2, lang: 'en', categories: NONE, source: 'gpc' },
  { day: '2026-03-04', region: 'EU', mode: 'notice', revision: 2, lang: 'fr', categories: ALL },
  { day: '2026-03-04', revision: 2, lang: 'en', categories: NONE },
  { day: '2026-03-05', region: 'EU', mode: 'opt-in', revision: 2, lang: 'en', categories: ALL },
]

const c = (n: number, f: [number, number], a: [number, number], d: [number, number]) => ({
  necessary: { granted: n, denied: 0 },
  functional: { granted: f[0], denied: f[1] },
  analytics: { granted: a[0], denied: a[1] },
  advertising: { granted: d[0], denied: d[1] },
})
const row = (key: string | null, decisions: number, acceptAll: number, rejectAll: number, custom: number, gpc: number, categories: ReturnType<typeof c>) =>
  ({ key, decisions, acceptAll, rejectAll, custom, gpc, categories })

/** Counted by hand from SEED (r1 … r9). */
const EXPECTED = {
  day: [
    row('2026-03-01', 4, 1, 1, 2, 1, c(4, [2, 2], [3, 1], [1, 3])),
    row('2026-03-02', 3, 2, 1, 0, 1, c(3, [2, 1], [2, 1], [2, 1])),
    row('2026-03-04', 2, 1, 1, 0, 0, c(2, [1, 1], [1, 1], [1, 1])),
  ],
  region: [
    row(null, 2, 0, 1, 1, 0, c(2, [0, 2], [1, 1], [0, 2])),
    row('EU', 5, 4, 1, 0, 0, c(5, [4, 1], [4, 1], [4, 1])),
    row('US-CA', 2, 0, 1, 1, 2, c(2, [1, 1], [1, 1], [0, 2])),
  ],
  mode: [
    row(null, 1, 0, 1, 0, 0, c(1, [0, 1], [0, 1], [0, 1])),
    row('notice', 1, 1, 0, 0, 0, c(1, [1, 0], [1, 0], [1, 0])),
    row('opt-in', 5, 3, 1, 1, 0, c(5, [3, 2], [4, 1], [3, 2])),
    row('opt-out', 2, 0, 1, 1, 2, c(2, [1, 1], [1, 1], [0, 2])),
  ],
  revision: [
    row(`1:${CFG_A}`, 4, 1, 1, 2, 1, c(4, [2, 2], [3, 1], [1, 3])),
    row(`2:${CFG_B}`, 5, 3, 2, 0, 1, c(5, [3, 2], [3, 2], [3, 2])),
  ],
  language: [
    row('de', 3, 2, 1, 0, 0, c(3, [2, 1], [2, 1], [2, 1])),
    row('en', 5, 1, 2, 2, 2, c(5, [2, 3], [3, 2], [1, 4])),
    row('fr', 1, 1, 0, 0, 0, c(1, [1, 0], [1, 0], [1, 0])),
  ],
}

const RANGE = 'from=2026-03-01&to=2026-03-04'

for (const backend of backends()) {
  describe.skipIf(!backend.available)(`GET /stats on ${backend.name}`, () => {
    let db: Opened
    let collector: Collector
    let clock = 0
    const browsers: Browser[] = []

    const get = (path: string, token: string | null = ADMIN) =>
      collector.app.request(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } })
    const stats = async (query: string) => {
      const res = await get(`/stats?${query}`)
      expect(res.status, await res.clone().text()).toBe(200)
      return res.json()
    }

    beforeAll(async () => {
      await backend.setup()
      db = await backend.open()
      collector = await createCollector({
        store: db.store,
        key: collectorKeyFrom(generateKeyPairSync('ed25519').privateKey),
        adminToken: ADMIN,
        now: () => clock,
        rateLimits: false,
      })
      for (const [i, s] of SEED.entries()) {
        // Noon UTC of the seed's day, a minute apart: receivedAt decides the day.
        clock = Date.parse(`${s.day}T12:00:00Z`) + i * 60_000
        const browser = new Browser()
        browsers.push(browser)
        const claims: Record<string, unknown> = {
          iat: Math.floor(clock / 1000),
          categories: s.categories,
          revision: s.revision,
          config: s.revision === 1 ? CFG_A : CFG_B,
          texts: { lang: s.lang, sha256: sha256('texts') },
          source: s.source ?? 'banner',
          gpc: s.source === 'gpc',
          ...(s.region ? { region: s.region } : {}),
          ...(s.mode ? { mode: s.mode } : {}),
        }
        const jws = browser.receipt(claims)
        const res = await collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })
        expect(res.status, await res.clone().text()).toBe(201)
        // A repeat of the same receipt is a duplicate (200): it must not count twice.
        if (i === 0) expect((await collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })).status).toBe(200)
      }
      clock = Date.parse('2026-03-10T00:00:00Z')
    })
    afterAll(async () => {
      await collector?.close()
      await backend.teardown()
    })

    for (const by of ['day', 'region', 'mode', 'revision', 'language'] as const) {
      it(`by=${by}: exactly the hand-counted rows of the range`, async () => {
        expect(await stats(`${RANGE}&by=${by}`)).toEqual({ from: '2026-03-01', to: '2026-03-04', by, rows: EXPECTED[by] })
      })
    }

    it('by defaults to day; the range is inclusive of both dates and counts by the day received', async () => {
      const body = await stats('from=2026-03-02&to=2026-03-02')
      expect(body).toEqual({ from: '2026-03-02', to: '2026-03-02', by: 'day', rows: [EXPECTED.day[1]] })
      const late = await stats('from=2026-03-05&to=2026-03-05&by=region')
      expect(late.rows).toEqual([row('EU', 1, 1, 0, 0, 0, c(1, [1, 0], [1, 0], [1, 0]))])
    })

    it('without from/to: the 30 days up to today (UTC)', async () => {
      const body = await stats('')
      expect(body).toMatchObject({ from: '2026-02-09', to: '2026-03-10', by: 'day' })
      expect(body.rows.map((r: { key: string }) => r.key)).toEqual(['2026-03-01', '2026-03-02', '2026-03-04', '2026-03-05'])
    })

    it('bad parameters are 400 errors that name the parameter and what it takes', async () => {
      const cases: [string, RegExp][] = [
        ['by=week', /^by: expected one of day, region, mode, revision, language, got "week"$/],
        ['from=2026-02-30', /^from: expected a UTC date YYYY-MM-DD .*got "2026-02-30"$/],
        ['to=yesterday', /^to: expected a UTC date YYYY-MM-DD .*got "yesterday"$/],
        ['from=2026-03-04T00:00:00Z', /^from: expected a UTC date/],
        ['from=2026-03-05&to=2026-03-01', /^from \(2026-03-05\) is after to \(2026-03-01\)$/],
        ['from=2000-01-01&to=2026-03-01', /^from, to: a range may span at most 3660 days, got 9557$/],
      ]
      for (const [query, detail] of cases) {
        const res = await get(`/stats?${query}`)
        expect(res.status, query).toBe(400)
        const body = await res.json()
        expect(body.error, query).toBe('query')
        expect(body.detail, query).toMatch(detail)
      }
    })

    it('is an admin route: 401 without or with a wrong token', async () => {
      expect((await get('/stats', null)).status).toBe(401)
      expect((await get('/stats', 'wrong')).status).toBe(401)
      expect((await get('/stats/health', null)).status).toBe(401)
    })

    it('GET /stats/health: entries and the head of the log', async () => {
      const res = await get('/stats/health')
      expect(res.status).toBe(200)
      const body = await res.json()
      const head = await db.store.head()
      expect(body).toEqual({
        storage: backend.name,
        entries: SEED.length,
        head: { logIndex: SEED.length, entryHash: head.entryHash, receivedAt: '2026-03-05T12:09:00.000Z' },
        firstReceivedAt: '2026-03-01T12:00:00.000Z',
      })
    })

    it('a log that predates the rollups is backfilled when the store is opened: the same numbers', async () => {
      // As migration 5 leaves a log written by an older collector: no rollups, all of it to count.
      await db.tamper('DELETE FROM stats_daily')
      await db.tamper('DELETE FROM stats_daily_categories')
      await db.tamper('UPDATE stats_backfill SET boundary = ?, done = 0', [SEED.length])
      expect((await stats(`${RANGE}&by=day`)).rows).toEqual([])
      const reopened = await db.reopen()
      await reopened.migrate()
      await reopened.close()
      for (const by of ['day', 'region', 'mode', 'revision', 'language'] as const) {
        expect((await stats(`${RANGE}&by=${by}`)).rows, by).toEqual(EXPECTED[by])
      }
      // A second start finds nothing left to count: no double counting.
      const again = await db.reopen()
      await again.migrate()
      await again.close()
      expect((await stats(`${RANGE}&by=day`)).rows).toEqual(EXPECTED.day)
    })

    it('erasure blanks the receipt but leaves the statistics as they were (aggregates name no one)', async () => {
      const res = await collector.app.request(`/receipts/${browsers[0]!.sub}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })
      expect(res.status).toBe(200)
      expect((await stats(`${RANGE}&by=day`)).rows).toEqual(EXPECTED.day)
      expect((await stats(`${RANGE}&by=language`)).rows).toEqual(EXPECTED.language)
    })
  })
}
