// Consent statistics kept as daily rollups (docs/collector.md, "Statistics"): per UTC day and
// dimension, how many decisions arrived and how they split. They are added to in the same
// transaction that appends the receipts, so GET /stats reads a few hundred small rows for a
// year instead of scanning the log. One function (tallyOf) reads a receipt for both adapters
// and for the backfill of a log that predates the rollups, so the numbers agree everywhere.

import type { LogEntry } from './types.js'

/** The dimensions a statistic can be broken down by, beside `day`. */
export const DIMENSIONS = ['region', 'mode', 'revision', 'language'] as const
type Dimension = (typeof DIMENSIONS)[number]
/** The rollup rows of the whole day (no dimension) use this dimension name and an empty key. */
const TOTAL = 'all'

export const DAY_MS = 86_400_000
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS)

type Choice = 'acceptAll' | 'rejectAll' | 'custom'

/** What one receipt adds to the statistics. */
export interface Tally {
  day: number
  keys: Record<Dimension, string>
  choice: Choice
  gpc: boolean
  categories: Record<string, boolean>
}

/**
 * `necessary` is always on; every other category counts as optional (the collector does not see
 * the site's config, so a site's own extra `required` category is counted as optional too).
 * A receipt with no optional category at all is `acceptAll`: nothing was refused.
 */
function choiceOf(categories: Record<string, boolean>): Choice {
  const optional = Object.keys(categories).filter((name) => name !== 'necessary')
  if (optional.every((name) => categories[name] === true)) return 'acceptAll'
  if (optional.every((name) => categories[name] === false)) return 'rejectAll'
  return 'custom'
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/**
 * Reads a stored (already verified) receipt. An erased receipt (no JWS), one whose payload
 * cannot be read, or one that is no decision about the categories gives undefined: it adds nothing.
 * `claims`, when given, is that JWS's payload parsed already (by verification, in the append
 * path): the same object JSON.parse makes of it, so it is read instead of parsing again.
 */
function tallyOf(entry: Pick<LogEntry, 'kind' | 'jws' | 'receivedMs'>, claims?: Record<string, unknown>): Tally | undefined {
  if (entry.kind !== 'receipt' || !entry.jws) return undefined
  let payload: Record<string, unknown>
  if (claims) payload = claims
  else
    try {
      payload = JSON.parse(Buffer.from(entry.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    } catch {
      return undefined
    }
  // IAB TCF receipts that record no decision about the categories (docs/collector.md,
  // "Statistics"): a change of TCF choices alone (`tcf`: the categories as they were) and a
  // decision's TC string that came after its receipt (`tcf-late`). Counted, they would count the
  // same categories again and make a partner switched off look like a new decision.
  if (payload.source === 'tcf' || payload.source === 'tcf-late') return undefined
  const raw = payload.categories
  const categories: Record<string, boolean> = {}
  if (raw && typeof raw === 'object') for (const [name, on] of Object.entries(raw)) if (typeof on === 'boolean') categories[name] = on
  const texts = payload.texts as { lang?: unknown } | undefined
  return {
    day: dayOf(entry.receivedMs),
    keys: {
      region: text(payload.region),
      mode: text(payload.mode),
      // The revision the site bumped and the hash of the config that was shown: a config edit
      // without a revision bump still shows as a revision of its own.
      revision: typeof payload.revision === 'number' ? `${payload.revision}:${text(payload.config)}` : '',
      language: text(texts?.lang),
    },
    choice: choiceOf(categories),
    gpc: payload.source === 'gpc',
    categories,
  }
}

export interface RollupRow {
  dimension: string
  day: number
  key: string
  decisions: number
  acceptAll: number
  rejectAll: number
  custom: number
  gpc: number
}

export interface CategoryRow {
  dimension: string
  day: number
  key: string
  category: string
  granted: number
  denied: number
}

/** The rows one combination of day and keys adds to, with its category rows by category name. */
interface Group {
  row: RollupRow
  id: string
  categories: Map<string, CategoryRow>
}

/** A batch's tallies summed per (dimension, day, key): what the upserts add. */
export class Rollup {
  readonly rows = new Map<string, RollupRow>()
  readonly categories = new Map<string, CategoryRow>()
  /**
   * The rows of each (day, keys) seen, by one string of them: the receipts of a batch mostly
   * share their day and keys, and finding the five rows (and their category rows) once instead of
   * building and looking up 5 + 5 × categories ids per receipt halved the cost of add().
   */
  private readonly groups = new Map<string, Group[]>()

  add(tally: Tally): void {
    const { keys } = tally
    // "\u0000" cannot occur in a verified receipt's claims (control characters are refused); a
    // key that holds it anyway is not cached, so no two tuples can ever share an entry.
    const cacheable = !`${keys.region}${keys.mode}${keys.revision}${keys.language}`.includes('\u0000')
    const groupKey = cacheable ? `${tally.day}\u0000${keys.region}\u0000${keys.mode}\u0000${keys.revision}\u0000${keys.language}` : undefined
    let groups = groupKey === undefined ? undefined : this.groups.get(groupKey)
    if (!groups) {
      groups = [[TOTAL, ''] as [string, string], ...DIMENSIONS.map((d): [string, string] => [d, keys[d]])].map(([dimension, key]) => {
        const id = `${dimension}\u0000${tally.day}\u0000${key}`
        let row = this.rows.get(id)
        if (!row) this.rows.set(id, (row = { dimension, day: tally.day, key, decisions: 0, acceptAll: 0, rejectAll: 0, custom: 0, gpc: 0 }))
        return { row, id, categories: new Map<string, CategoryRow>() }
      })
      if (groupKey !== undefined) this.groups.set(groupKey, groups)
    }
    const categories = Object.entries(tally.categories)
    for (const group of groups) {
      const { row } = group
      row.decisions++
      row[tally.choice]++
      if (tally.gpc) row.gpc++
      for (const [category, on] of categories) {
        let c = group.categories.get(category)
        if (!c) {
          const cid = `${group.id}\u0000${category}`
          c = this.categories.get(cid)
          if (!c) this.categories.set(cid, (c = { dimension: row.dimension, day: row.day, key: row.key, category, granted: 0, denied: 0 }))
          group.categories.set(category, c)
        }
        if (on) c.granted++
        else c.denied++
      }
    }
  }

  /** One entry; `claims`: its receipt's payload if parsed already (see tallyOf). */
  addEntry(entry: Pick<LogEntry, 'kind' | 'jws' | 'receivedMs'>, claims?: Record<string, unknown>): this {
    const tally = tallyOf(entry, claims)
    if (tally) this.add(tally)
    return this
  }

  addEntries(entries: Iterable<Pick<LogEntry, 'kind' | 'jws' | 'receivedMs'>>): this {
    for (const entry of entries) this.addEntry(entry)
    return this
  }

  get empty(): boolean {
    return this.rows.size === 0
  }
}

// Upserts shared by both dialects (ON CONFLICT … DO UPDATE works in SQLite ≥ 3.24 and PostgreSQL).

const ROW_COLUMNS = 8
const CATEGORY_COLUMNS = 6

const upsertRows = (count: number): string =>
  `INSERT INTO stats_daily (dimension, day, key, decisions, accept_all, reject_all, custom, gpc) VALUES ${values(count, ROW_COLUMNS)}
   ON CONFLICT (dimension, day, key) DO UPDATE SET decisions = stats_daily.decisions + excluded.decisions,
     accept_all = stats_daily.accept_all + excluded.accept_all, reject_all = stats_daily.reject_all + excluded.reject_all,
     custom = stats_daily.custom + excluded.custom, gpc = stats_daily.gpc + excluded.gpc`

const upsertCategories = (count: number): string =>
  `INSERT INTO stats_daily_categories (dimension, day, key, category, granted, denied) VALUES ${values(count, CATEGORY_COLUMNS)}
   ON CONFLICT (dimension, day, key, category) DO UPDATE SET granted = stats_daily_categories.granted + excluded.granted,
     denied = stats_daily_categories.denied + excluded.denied`

const values = (count: number, columns: number): string => Array.from({ length: count }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ')

const rowParams = (r: RollupRow): unknown[] => [r.dimension, r.day, r.key, r.decisions, r.acceptAll, r.rejectAll, r.custom, r.gpc]
const categoryParams = (c: CategoryRow): unknown[] => [c.dimension, c.day, c.key, c.category, c.granted, c.denied]

/** Rows per upsert statement: well under PostgreSQL's 65 535 parameters. */
const UPSERT_CHUNK = 500

/** The upserts for a rollup, as (sql, params) pairs of at most `chunk` rows (SQLite: 1, one prepared statement). */
export function upserts(rollup: Rollup, chunk = UPSERT_CHUNK): { sql: string; params: unknown[] }[] {
  const out: { sql: string; params: unknown[] }[] = []
  const rows = [...rollup.rows.values()]
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk)
    out.push({ sql: upsertRows(part.length), params: part.flatMap(rowParams) })
  }
  const categories = [...rollup.categories.values()]
  for (let i = 0; i < categories.length; i += chunk) {
    const part = categories.slice(i, i + chunk)
    out.push({ sql: upsertCategories(part.length), params: part.flatMap(categoryParams) })
  }
  return out
}

/** What GET /stats asks the store: a dimension (or `day`) and an inclusive range of days. */
export interface StatsQuery {
  by: 'day' | Dimension
  fromDay: number
  toDay: number
}

export interface StatsRow {
  /** The day number (by=day) or the dimension's key ('' when receipts did not carry it). */
  key: string | number
  decisions: number
  acceptAll: number
  rejectAll: number
  custom: number
  gpc: number
  categories: Record<string, { granted: number; denied: number }>
}

/** Both queries of GET /stats; params: dimension, fromDay, toDay. */
export function statsQueries(q: StatsQuery): { rows: string; categories: string; params: unknown[] } {
  const dimension = q.by === 'day' ? TOTAL : q.by
  const group = q.by === 'day' ? 'day' : 'key'
  const sum = (column: string, as: string) => `CAST(SUM(${column}) AS BIGINT) AS "${as}"`
  return {
    rows: `SELECT ${group} AS "key", ${sum('decisions', 'decisions')}, ${sum('accept_all', 'acceptAll')}, ${sum('reject_all', 'rejectAll')},
             ${sum('custom', 'custom')}, ${sum('gpc', 'gpc')}
           FROM stats_daily WHERE dimension = ? AND day >= ? AND day <= ? GROUP BY ${group} ORDER BY ${group}`,
    categories: `SELECT ${group} AS "key", category, ${sum('granted', 'granted')}, ${sum('denied', 'denied')}
           FROM stats_daily_categories WHERE dimension = ? AND day >= ? AND day <= ? GROUP BY ${group}, category ORDER BY ${group}, category`,
    params: [dimension, q.fromDay, q.toDay],
  }
}

type Numeric = number | string | bigint
/** Joins the two result sets of statsQueries (both ordered by key). */
export function statsRows(rows: Record<string, Numeric>[], categories: Record<string, Numeric>[]): StatsRow[] {
  const byKey = new Map<string, StatsRow>()
  const out = rows.map((r) => {
    const row: StatsRow = {
      key: typeof r.key === 'string' ? r.key : Number(r.key),
      decisions: Number(r.decisions),
      acceptAll: Number(r.acceptAll),
      rejectAll: Number(r.rejectAll),
      custom: Number(r.custom),
      gpc: Number(r.gpc),
      categories: {},
    }
    byKey.set(String(r.key), row)
    return row
  })
  for (const c of categories) {
    const row = byKey.get(String(c.key))
    if (row) row.categories[String(c.category)] = { granted: Number(c.granted), denied: Number(c.denied) }
  }
  return out
}

/**
 * Backfill of receipts appended before the rollups existed (migration 5 records the head at
 * that moment as `boundary`): each call counts the next `chunk` entries up to the boundary and
 * moves `done` on, in the caller's transaction, so that it can stop and resume anywhere.
 */
export const BACKFILL_STATE = `SELECT boundary, done FROM stats_backfill`
export const BACKFILL_ENTRIES = `SELECT kind, jws, received_ms AS "receivedMs" FROM log_entries
  WHERE log_index > ? AND log_index <= ? ORDER BY log_index`
export const BACKFILL_ADVANCE = `UPDATE stats_backfill SET done = ?`
export const BACKFILL_CHUNK = 5000
