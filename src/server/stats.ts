// GET /stats (admin): consent statistics from the daily rollups (storage/rollup.ts), and
// GET /stats/health (admin): the state of the log, for the console (docs/collector.md,
// "Statistics").

import type { Context, Hono } from 'hono'
import { HttpError } from './errors.js'
import { receivedAtOf } from './log.js'
import { DAY_MS, DIMENSIONS, dayOf, type StatsQuery } from './storage/rollup.js'
import type { AuditRun, Head, LogEntry, Repository, StoredCheckpoint } from './storage/types.js'

const BY = ['day', ...DIMENSIONS] as const
/** The range when `from` is not given: the 30 days up to `to`. */
const DEFAULT_DAYS = 30
/** The longest range one request may ask for (about ten years of daily rows). */
const MAX_DAYS = 3660

const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10)

/** A UTC date `YYYY-MM-DD` as a day number; the statistics are kept per UTC day. */
function parseDay(value: string, name: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN
  if (!match || Number.isNaN(ms) || isoDay(dayOf(ms)) !== value) {
    throw new HttpError(400, 'query', `${name}: expected a UTC date YYYY-MM-DD (statistics are kept per day), got ${JSON.stringify(value)}`)
  }
  return dayOf(ms)
}

/** Reads from, to (inclusive UTC dates) and by; errors name the parameter and what it takes. */
function statsQuery(params: { from?: string | undefined; to?: string | undefined; by?: string | undefined }, nowMs: number): StatsQuery {
  const by = params.by === undefined || params.by === '' ? 'day' : params.by
  if (!(BY as readonly string[]).includes(by)) throw new HttpError(400, 'query', `by: expected one of ${BY.join(', ')}, got ${JSON.stringify(by)}`)
  const toDay = params.to ? parseDay(params.to, 'to') : dayOf(nowMs)
  const fromDay = params.from ? parseDay(params.from, 'from') : toDay - (DEFAULT_DAYS - 1)
  if (fromDay > toDay) throw new HttpError(400, 'query', `from (${isoDay(fromDay)}) is after to (${isoDay(toDay)})`)
  if (toDay - fromDay + 1 > MAX_DAYS) throw new HttpError(400, 'query', `from, to: a range may span at most ${MAX_DAYS} days, got ${toDay - fromDay + 1}`)
  return { by: by as StatsQuery['by'], fromDay, toDay }
}

/** The answer of GET /stats, as the console reads it (src/dashboard/api.ts). */
export type StatsAnswer = Awaited<ReturnType<typeof stats>>

async function stats(store: Repository, query: StatsQuery) {
  const rows = await store.stats(query)
  return {
    from: isoDay(query.fromDay),
    to: isoDay(query.toDay),
    by: query.by,
    // Receipts without the claim (an older SDK, no region known) are the key null.
    rows: rows.map((r) => ({ ...r, key: query.by === 'day' ? isoDay(Number(r.key)) : r.key === '' ? null : String(r.key) })),
  }
}

/** The answer of GET /stats/health, as the console reads it (src/dashboard/api.ts). */
export type HealthAnswer = ReturnType<typeof health>

const iso = (ms: number): string => new Date(ms).toISOString()

function health(
  store: Repository,
  head: Head,
  last: LogEntry | undefined,
  first: LogEntry | undefined,
  checkpoint: StoredCheckpoint | undefined,
  audit: AuditRun | undefined,
) {
  return {
    storage: store.dialect,
    entries: head.logIndex,
    head: head.logIndex > 0 ? { logIndex: head.logIndex, entryHash: head.entryHash, receivedAt: last ? receivedAtOf(last.receivedMs) : null } : null,
    firstReceivedAt: first ? receivedAtOf(first.receivedMs) : null,
    /** The newest signed checkpoint (GET /log/checkpoint), or null before the first. */
    checkpoint: checkpoint ? { size: checkpoint.size, root: checkpoint.root, createdAt: iso(checkpoint.createdMs) } : null,
    /** The last recorded `consentry-collector audit` run, or null: never audited. */
    lastAudit: audit
      ? {
          at: iso(audit.ranMs),
          ok: audit.ok,
          entries: audit.entries,
          treeSize: audit.treeSize,
          findings: audit.findings,
          firstFinding: audit.firstFinding,
          signaturesChecked: audit.signaturesChecked,
        }
      : null,
  }
}

export function mountStats(app: Hono, store: Repository, admin: (c: Context) => void, now: () => number): void {
  app.get('/stats', async (c) => {
    admin(c)
    const query = statsQuery({ from: c.req.query('from'), to: c.req.query('to'), by: c.req.query('by') }, now())
    c.header('Cache-Control', 'no-store')
    return c.json(await stats(store, query))
  })

  app.get('/stats/health', async (c) => {
    admin(c)
    const head = await store.head()
    const last = head.logIndex > 0 ? (await store.page({ afterIndex: head.logIndex - 1, limit: 1 }))[0] : undefined
    const first = head.logIndex > 0 ? (await store.page({ afterIndex: 0, limit: 1 }))[0] : undefined
    const [checkpoint, audit] = await Promise.all([store.checkpoint(), store.lastAudit()])
    c.header('Cache-Control', 'no-store')
    return c.json(health(store, head, last, first, checkpoint, audit))
  })
}
