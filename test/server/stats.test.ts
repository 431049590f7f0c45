// GET /stats: a seeded log with counts worked out by hand returns exactly them, for every `by`,
// on SQLite and PostgreSQL; the rollups are kept in the append transaction and backfilled for a
// log that predates them; erasure leaves the statistics as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { audit, auditRun } from '../../src/server/audit.js'
import { checkpointPublicKeyOf } from '../../src/server/checkpoint.js'
import type { Collector } from '../../src/server/index.js'
import { backends, type Opened } from './helpers/backends.js'
import { freshCollector } from './helpers/fresh.js'
import type { Browser } from './helpers/receipts.js'
import { EXPECTED, SEED, c, row, seedLog } from './helpers/stats-seed.js'

const ADMIN = 'stats-admin-token'
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
      ;({ db, collector } = await freshCollector(backend, {
        adminToken: ADMIN,
        now: () => clock,
        rateLimits: false,
      }))
      browsers.push(
        ...(await seedLog({
          post: (jws) => collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } }),
          setClock: (ms) => (clock = ms),
        })),
      )
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

    it('IAB TCF receipts that record no category decision (source tcf, tcf-late) are in the log but counted nowhere', async () => {
      const res = await get('/export?from=2026-03-04&to=2026-03-05&format=jsonl')
      expect(res.status).toBe(200)
      const sources = (await res.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(Buffer.from(JSON.parse(line).jws.split('.')[1], 'base64url').toString('utf8')).source)
      expect(sources).toEqual(['banner', 'banner', 'tcf', 'tcf-late'])
      // Four receipts that day, two decisions: r8 (accept all) and r9 (reject all).
      expect((await stats('from=2026-03-04&to=2026-03-04')).rows).toEqual([EXPECTED.day[2]])
      expect(EXPECTED.day[2]).toMatchObject({ decisions: 2, acceptAll: 1, rejectAll: 1 })
    })

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

    it('GET /stats/health: entries, the head, the newest checkpoint, and "never audited" until an audit runs', async () => {
      await collector.integrator!.integrateNow()
      const checkpoint = (await db.store.checkpoint())!
      const res = await get('/stats/health')
      expect(res.status).toBe(200)
      const body = await res.json()
      const head = await db.store.head()
      expect(body).toEqual({
        storage: backend.name,
        entries: SEED.length,
        head: { logIndex: SEED.length, entryHash: head.entryHash, receivedAt: '2026-03-05T12:11:00.000Z' },
        firstReceivedAt: '2026-03-01T12:00:00.000Z',
        checkpoint: { size: SEED.length, root: checkpoint.root, createdAt: new Date(checkpoint.createdMs).toISOString() },
        lastAudit: null,
      })
      // An audit run (what `consentry-collector audit` records) is the last audit from then on.
      const report = await audit(db.store, { keys: [collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(collector.key)] })
      expect(report.ok).toBe(true)
      await db.store.recordAudit(auditRun(report, Date.parse('2026-03-11T08:30:00Z')))
      expect((await (await get('/stats/health')).json()).lastAudit).toEqual({
        at: '2026-03-11T08:30:00.000Z',
        ok: true,
        entries: SEED.length,
        treeSize: SEED.length,
        findings: 0,
        firstFinding: null,
        signaturesChecked: true,
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

    it('GET /export?format=csv: a header row, then one row per entry of the range', async () => {
      const res = await get('/export?from=2026-03-02&to=2026-03-03&format=csv')
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      const lines = (await res.text()).trim().split('\r\n')
      expect(lines[0]).toMatch(/^logIndex,kind,receivedAt,jti,/)
      expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['2026-03-02T12:04:00.000Z', '2026-03-02T12:05:00.000Z', '2026-03-02T12:06:00.000Z'])
      const bad = await get('/export?format=xml')
      expect(bad.status).toBe(400)
      expect((await bad.json()).detail).toBe('format: expected jsonl or csv, got "xml"')
    })

    it('erasure blanks the receipt but leaves the statistics as they were (aggregates name no one)', async () => {
      const res = await collector.app.request(`/receipts/${browsers[0]!.sub}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })
      expect(res.status).toBe(200)
      expect((await stats(`${RANGE}&by=day`)).rows).toEqual(EXPECTED.day)
      expect((await stats(`${RANGE}&by=language`)).rows).toEqual(EXPECTED.language)
    })
  })
}
