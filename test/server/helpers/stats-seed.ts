// A log with counts worked out by hand, shared by the GET /stats suite and the console's browser
// tests: twelve receipts over 2026-03-01 … 2026-03-05, and the rows /stats must return for
// 2026-03-01 … 2026-03-04. Two of them are IAB TCF receipts that record no category decision
// (a change of TCF choices alone, and a decision's late TC string): they count nowhere.
import { Browser, sha256 } from './receipts.js'

const CFG_A = sha256('{"revision":1,"a":1}')
const CFG_B = sha256('{"revision":2,"b":2}')
const ALL = { necessary: true, functional: true, analytics: true, advertising: true }
const NONE = { necessary: true, functional: false, analytics: false, advertising: false }

export interface Seed {
  day: string
  region?: string
  mode?: string
  revision: 1 | 2
  lang: string
  categories: Record<string, boolean>
  source?: string
  /** The index in SEED of the receipt whose chain this one continues (same browser); a new browser otherwise. */
  continues?: number
  tcf?: string
}

/** A TC string made by the IAB's @iabtechlabtcf/core (core + DisclosedVendors segments). */
const TC_STRING = 'CQuzncAQuzncAEsAAAENAHEgAPAAAAAAAAAAF5wAgAEALzAAAAAA.IGMwAwAEALzAYyAA'

/**
 * r1 … r11 fall in 2026-03-01 … 2026-03-04; r12 is the day after, outside the range asked for.
 * r10 and r11 are not decisions (docs/collector.md, "Statistics"): r10 a change of TCF choices
 * alone after r8 (its categories as they were), r11 the TC string of r9's decision, made after
 * r9's receipt had left.
 */
export const SEED: Seed[] = [
  { day: '2026-03-01', region: 'EU', mode: 'opt-in', revision: 1, lang: 'en', categories: ALL },
  { day: '2026-03-01', region: 'EU', mode: 'opt-in', revision: 1, lang: 'de', categories: NONE },
  { day: '2026-03-01', region: 'US-CA', mode: 'opt-out', revision: 1, lang: 'en', categories: { ...ALL, advertising: false }, source: 'gpc' },
  { day: '2026-03-01', mode: 'opt-in', revision: 1, lang: 'en', categories: { ...NONE, analytics: true }, source: 'preferences' },
  { day: '2026-03-02', region: 'EU', mode: 'opt-in', revision: 2, lang: 'de', categories: ALL },
  { day: '2026-03-02', region: 'EU', mode: 'opt-in', revision: 2, lang: 'de', categories: ALL },
  { day: '2026-03-02', region: 'US-CA', mode: 'opt-out', revision: 2, lang: 'en', categories: NONE, source: 'gpc' },
  { day: '2026-03-04', region: 'EU', mode: 'notice', revision: 2, lang: 'fr', categories: ALL },
  { day: '2026-03-04', revision: 2, lang: 'en', categories: NONE },
  { day: '2026-03-04', region: 'EU', mode: 'notice', revision: 2, lang: 'fr', categories: ALL, source: 'tcf', continues: 7, tcf: TC_STRING },
  { day: '2026-03-04', revision: 2, lang: 'en', categories: NONE, source: 'tcf-late', continues: 8, tcf: TC_STRING },
  { day: '2026-03-05', region: 'EU', mode: 'opt-in', revision: 2, lang: 'en', categories: ALL },
]

export const c = (n: number, f: [number, number], a: [number, number], d: [number, number]) => ({
  necessary: { granted: n, denied: 0 },
  functional: { granted: f[0], denied: f[1] },
  analytics: { granted: a[0], denied: a[1] },
  advertising: { granted: d[0], denied: d[1] },
})
export const row = (
  key: string | null,
  decisions: number,
  acceptAll: number,
  rejectAll: number,
  custom: number,
  gpc: number,
  categories: ReturnType<typeof c>,
) => ({ key, decisions, acceptAll, rejectAll, custom, gpc, categories })

/** Counted by hand from SEED (r1 … r9; r10 and r11 are no decisions). */
export const EXPECTED = {
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
  revision: [row(`1:${CFG_A}`, 4, 1, 1, 2, 1, c(4, [2, 2], [3, 1], [1, 3])), row(`2:${CFG_B}`, 5, 3, 2, 0, 1, c(5, [3, 2], [3, 2], [3, 2]))],
  language: [
    row('de', 3, 2, 1, 0, 0, c(3, [2, 1], [2, 1], [2, 1])),
    row('en', 5, 1, 2, 2, 2, c(5, [2, 3], [3, 2], [1, 4])),
    row('fr', 1, 1, 0, 0, 0, c(1, [1, 0], [1, 0], [1, 0])),
  ],
}

/** What posting a receipt needs: the app's request function and the collector's clock. */
export interface SeedTarget {
  post(jws: string): Response | Promise<Response>
  setClock(ms: number): void
}

/** Posts SEED (plus a repeat of the first receipt), each at noon of its day; returns the browsers. */
export async function seedLog(target: SeedTarget): Promise<Browser[]> {
  const browsers: Browser[] = []
  for (const [i, s] of SEED.entries()) {
    const clock = Date.parse(`${s.day}T12:00:00Z`) + i * 60_000
    target.setClock(clock)
    const browser = s.continues === undefined ? new Browser() : browsers[s.continues]!
    browsers.push(browser)
    const jws = browser.receipt({
      iat: Math.floor(clock / 1000),
      categories: s.categories,
      revision: s.revision,
      config: s.revision === 1 ? CFG_A : CFG_B,
      texts: { lang: s.lang, sha256: sha256('texts') },
      source: s.source ?? 'banner',
      gpc: s.source === 'gpc',
      ...(s.region ? { region: s.region } : {}),
      ...(s.mode ? { mode: s.mode } : {}),
      ...(s.tcf ? { tcf: s.tcf } : {}),
    })
    const res = await target.post(jws)
    if (res.status !== 201) throw new Error(`seed receipt ${i + 1}: ${res.status} ${await res.text()}`)
    // A repeat of the same receipt is a duplicate (200): it must not count twice.
    if (i === 0 && (await target.post(jws)).status !== 200) throw new Error('seed: the repeat was not answered 200')
  }
  return browsers
}
