// The site owner's console (docs/collector.md, "Console"): served by the collector at
// /dashboard under a strict CSP; everything it shows comes from the collector's admin routes.

import { AuthError, health, stats, subject, token, call, type By, type Health, type Stats, type StatsRow } from './api.js'
import { drawFigure, fitCharts, type ChartSpec } from './chart.js'
import { byId, count, dataTable, h, percent, scrollable } from './dom.js'
import { renderSubject } from './lookup.js'
import { checkProofs, renderProofs } from './proofs.js'

const DAY_MS = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`)

const DIMENSION_NAMES: Record<Exclude<By, 'day'>, string> = { region: 'Region', mode: 'Mode', revision: 'Revision', language: 'Language' }
const CATEGORY_COLORS = ['--cat-1', '--cat-2', '--cat-3', '--cat-4', '--cat-5', '--cat-6']

interface Loaded {
  byDay: Stats
  breakdown: Stats
  health: Health
}
let loaded: Loaded | undefined

const el = {
  signin: byId('signin'),
  signinForm: byId<HTMLFormElement>('signin-form'),
  tokenInput: byId<HTMLInputElement>('token'),
  signinError: byId('signin-error'),
  console: byId('console'),
  forget: byId<HTMLButtonElement>('forget'),
  range: byId<HTMLFormElement>('range'),
  from: byId<HTMLInputElement>('from'),
  to: byId<HTMLInputElement>('to'),
  status: byId('status'),
  error: byId('error'),
  summary: byId('summary'),
  timeChart: byId('time-chart'),
  optinTotals: byId('optin-totals'),
  optinChart: byId('optin-chart'),
  breakdownChart: byId('breakdown-chart'),
  lookupForm: byId<HTMLFormElement>('lookup-form'),
  consentId: byId<HTMLInputElement>('consent-id'),
  lookupResult: byId('lookup-result'),
  health: byId('health'),
  exportStatus: byId('export-status'),
}

const by = (): Exclude<By, 'day'> => ((document.querySelector('input[name="by"]:checked') as HTMLInputElement | null)?.value ?? 'region') as Exclude<By, 'day'>

/** A key as people read it: null is "not given", a revision key is "2 · config 1a2b3c4d". */
function keyLabel(dimension: By, key: string | null): string {
  if (key === null) return dimension === 'region' ? 'no region' : 'not given'
  if (dimension === 'revision') {
    const [revision, hash] = key.split(':')
    return `${revision} · ${hash ? hash.slice(0, 8) : 'no config hash'}`
  }
  return key
}

function showSignin(message = ''): void {
  el.console.hidden = true
  el.forget.hidden = true
  el.signin.hidden = false
  el.signinError.textContent = message
  el.tokenInput.value = ''
  el.tokenInput.focus()
}

function showConsole(): void {
  el.signin.hidden = true
  el.console.hidden = false
  el.forget.hidden = false
}

function setRange(days: number): void {
  const to = isoDay(Date.now())
  el.to.value = to
  el.from.value = isoDay(dayMs(to) - (days - 1) * DAY_MS)
}

async function load(): Promise<void> {
  el.error.textContent = ''
  el.status.textContent = 'Loading…'
  try {
    const [byDay, breakdown, h] = await Promise.all([stats(el.from.value, el.to.value, 'day'), stats(el.from.value, el.to.value, by()), health()])
    loaded = { byDay, breakdown, health: h }
    showConsole()
    render()
    const total = byDay.rows.reduce((n, r) => n + r.decisions, 0)
    el.status.textContent = `${count(total)} decisions from ${byDay.from} to ${byDay.to}.`
  } catch (error) {
    el.status.textContent = ''
    if (error instanceof AuthError) {
      token.forget()
      showSignin(`The collector refused the token: ${error.message}`)
    } else el.error.textContent = `Could not load the statistics: ${(error as Error).message}`
  }
}

function render(): void {
  if (!loaded) return
  renderSummary(loaded.byDay)
  renderTime(loaded.byDay)
  renderOptin(loaded.byDay)
  renderBreakdown(loaded.breakdown)
  renderHealth(loaded.health)
}

const sum = (rows: StatsRow[], field: 'decisions' | 'acceptAll' | 'rejectAll' | 'custom' | 'gpc') => rows.reduce((n, r) => n + r[field], 0)

function renderSummary(s: Stats): void {
  const decisions = sum(s.rows, 'decisions')
  const tile = (label: string, value: string, note: string) =>
    h('div', { class: 'tile' }, h('dt', {}, label), h('dd', {}, value, h('span', { class: 'muted' }, note)))
  el.summary.replaceChildren(
    tile('Decisions', count(decisions), ''),
    tile('Accept all', percent(sum(s.rows, 'acceptAll'), decisions), `${count(sum(s.rows, 'acceptAll'))} of ${count(decisions)}`),
    tile('Reject all', percent(sum(s.rows, 'rejectAll'), decisions), `${count(sum(s.rows, 'rejectAll'))} of ${count(decisions)}`),
    tile('Custom', percent(sum(s.rows, 'custom'), decisions), `${count(sum(s.rows, 'custom'))} of ${count(decisions)}`),
    tile('GPC refusals', count(sum(s.rows, 'gpc')), ''),
  )
}

/** Every day of the range, with the row of that day or undefined. */
function days(s: Stats): { day: string; row: StatsRow | undefined }[] {
  const rows = new Map(s.rows.map((r) => [r.key, r]))
  const out = []
  for (let t = dayMs(s.from); t <= dayMs(s.to); t += DAY_MS) out.push({ day: isoDay(t), row: rows.get(isoDay(t)) })
  return out
}

function renderTime(s: Stats): void {
  const all = days(s)
  const n = (r: StatsRow | undefined, f: 'acceptAll' | 'rejectAll' | 'custom' | 'gpc') => r?.[f] ?? 0
  const accept = all.map(({ row }) => n(row, 'acceptAll'))
  const reject = all.map(({ row }) => n(row, 'rejectAll'))
  const custom = all.map(({ row }) => n(row, 'custom'))
  const spec: ChartSpec = {
    x: all.map(({ day }) => dayMs(day) / 1000),
    // Stacked: each bar drawn to its cumulative height, the tallest first.
    series: [
      { label: 'Custom', values: custom.map((c, i) => c + accept[i]! + reject[i]!), color: '--custom', kind: 'bar' },
      { label: 'Reject all', values: reject.map((r, i) => r + accept[i]!), color: '--reject', kind: 'bar' },
      { label: 'Accept all', values: accept, color: '--accept', kind: 'bar' },
      { label: 'GPC refusals', values: all.map(({ row }) => n(row, 'gpc')), color: '--gpc', kind: 'line', dashed: true },
    ],
    yFormat: (v) => (Number.isInteger(v) ? count(v) : ''),
    legend: [
      { label: 'Accept all', color: '--accept', kind: 'bar' },
      { label: 'Reject all', color: '--reject', kind: 'bar' },
      { label: 'Custom', color: '--custom', kind: 'bar' },
      { label: 'GPC refusals', color: '--gpc', kind: 'line' },
    ],
  }
  const table = dataTable(
    'Decisions per day',
    ['Day', 'Decisions', 'Accept all', 'Reject all', 'Custom', 'GPC'],
    all.filter(({ row }) => row).map(({ day, row }) => [day, row!.decisions, row!.acceptAll, row!.rejectAll, row!.custom, row!.gpc]),
  )
  drawFigure(el.timeChart, spec, 'Decisions per day, stacked by choice, with GPC refusals', scrollable('Decisions per day', table))
}

/** The categories named in the range, `necessary` left out (it is never a choice). */
const categoriesOf = (rows: StatsRow[]): string[] => [...new Set(rows.flatMap((r) => Object.keys(r.categories)))].filter((c) => c !== 'necessary').sort()

function renderOptin(s: Stats): void {
  const names = categoriesOf(s.rows)
  const totals = names.map((name) => {
    const granted = s.rows.reduce((n, r) => n + (r.categories[name]?.granted ?? 0), 0)
    const denied = s.rows.reduce((n, r) => n + (r.categories[name]?.denied ?? 0), 0)
    return { name, granted, denied }
  })
  el.optinTotals.replaceChildren(
    h(
      'ul',
      { class: 'rates' },
      ...totals.map((t) =>
        h(
          'li',
          {},
          h('span', { class: 'rate-name' }, t.name),
          h('span', { class: 'rate-value' }, percent(t.granted, t.granted + t.denied)),
          h(
            'span',
            { class: 'meter', 'aria-hidden': 'true' },
            h('span', { class: `fill w${Math.round((t.granted / Math.max(1, t.granted + t.denied)) * 20) * 5}` }),
          ),
          h('span', { class: 'muted' }, `${count(t.granted)} of ${count(t.granted + t.denied)}`),
        ),
      ),
    ),
  )
  const all = days(s)
  const rate = (row: StatsRow | undefined, name: string) => {
    const c = row?.categories[name]
    return c && c.granted + c.denied > 0 ? (c.granted / (c.granted + c.denied)) * 100 : null
  }
  const colors = names.map((_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length]!)
  const spec: ChartSpec = {
    x: all.map(({ day }) => dayMs(day) / 1000),
    series: names.map((name, i) => ({ label: name, values: all.map(({ row }) => rate(row, name)), color: colors[i]!, kind: 'line' as const })),
    yMax: 100,
    yFormat: (v) => `${v} %`,
    legend: names.map((name, i) => ({ label: name, color: colors[i]!, kind: 'line' as const })),
  }
  const table = dataTable(
    'Opt-in rate per category and day (granted of decided)',
    ['Day', ...names],
    all
      .filter(({ row }) => row)
      .map(({ day, row }) => [
        day,
        ...names.map((name) => percent(row!.categories[name]?.granted ?? 0, (row!.categories[name]?.granted ?? 0) + (row!.categories[name]?.denied ?? 0))),
      ]),
  )
  drawFigure(el.optinChart, spec, 'Opt-in rate per category and day', scrollable('Opt-in rate per category and day', table))
}

function renderBreakdown(s: Stats): void {
  const dimension = s.by as Exclude<By, 'day'>
  const labels = s.rows.map((r) => keyLabel(dimension, r.key))
  const spec: ChartSpec = {
    x: s.rows.map((_, i) => i),
    labels,
    series: [
      { label: 'Custom', values: s.rows.map((r) => r.acceptAll + r.rejectAll + r.custom), color: '--custom', kind: 'bar' },
      { label: 'Reject all', values: s.rows.map((r) => r.acceptAll + r.rejectAll), color: '--reject', kind: 'bar' },
      { label: 'Accept all', values: s.rows.map((r) => r.acceptAll), color: '--accept', kind: 'bar' },
    ],
    yFormat: (v) => (Number.isInteger(v) ? count(v) : ''),
    legend: [
      { label: 'Accept all', color: '--accept', kind: 'bar' },
      { label: 'Reject all', color: '--reject', kind: 'bar' },
      { label: 'Custom', color: '--custom', kind: 'bar' },
    ],
  }
  const name = DIMENSION_NAMES[dimension]
  const table = dataTable(
    `Decisions by ${name.toLowerCase()}`,
    [name, 'Decisions', 'Accept all', 'Reject all', 'Custom', 'GPC', 'Accept all rate'],
    s.rows.map((r, i) => [labels[i]!, r.decisions, r.acceptAll, r.rejectAll, r.custom, r.gpc, percent(r.acceptAll, r.decisions)]),
  )
  drawFigure(el.breakdownChart, spec, `Decisions by ${name.toLowerCase()}, stacked by choice`, scrollable(`Decisions by ${name.toLowerCase()}`, table))
}

const utcTime = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')

/** The last `consentry-collector audit` run as the collector recorded it, or "never audited". */
function auditFact(audit: Health['lastAudit']): (Node | string)[] {
  if (!audit) return [h('span', { class: 'verdict warn' }, 'never audited'), ' — run ', h('code', {}, 'consentry-collector audit')]
  const scope = `${count(audit.entries)} entries, tree of ${count(audit.treeSize)}${audit.signaturesChecked ? '' : ', checkpoint signatures not checked'}`
  return audit.ok
    ? [h('span', { class: 'verdict verified' }, 'passed'), ` ${utcTime(audit.at)}`, h('br'), h('span', { class: 'muted' }, scope)]
    : [
        h('span', { class: 'verdict failed' }, `FAILED: ${count(audit.findings)} finding${audit.findings === 1 ? '' : 's'}`),
        ` ${utcTime(audit.at)}`,
        h('br'),
        h('span', { class: 'muted' }, `first: ${audit.firstFinding ?? '–'} (${scope})`),
      ]
}

function renderHealth(hl: Health): void {
  const fact = (label: string, ...value: (Node | string)[]) => [h('dt', {}, label), h('dd', {}, ...value)]
  const cp = hl.checkpoint
  el.health.replaceChildren(
    ...fact('Entries', count(hl.entries)),
    ...fact('Last checkpoint', cp ? `${count(cp.size)} entries, ${utcTime(cp.createdAt)}` : 'none yet'),
    ...(cp ? fact('Checkpoint root', h('code', { class: 'hash' }, cp.root)) : []),
    ...fact('Last audit', ...auditFact(hl.lastAudit)),
    ...fact('Head', hl.head ? `#${hl.head.logIndex}` : 'empty log'),
    ...(hl.head ? fact('Head hash', h('code', { class: 'hash' }, hl.head.entryHash)) : []),
    ...fact('Last entry', hl.head?.receivedAt ? utcTime(hl.head.receivedAt) : '–'),
    ...fact('First entry', hl.firstReceivedAt ? utcTime(hl.firstReceivedAt) : '–'),
    ...fact('Storage', hl.storage === 'postgres' ? 'PostgreSQL' : 'SQLite'),
  )
}

async function lookup(): Promise<void> {
  const id = el.consentId.value.trim()
  if (!id) {
    el.lookupResult.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Enter a consent id.'))
    return
  }
  el.lookupResult.replaceChildren(h('p', { class: 'hint' }, 'Looking up…'))
  try {
    const found = await subject(id)
    const proofs = h('p', { class: 'hint' }, 'Checking inclusion proofs…')
    el.lookupResult.replaceChildren(renderSubject(found), proofs)
    try {
      proofs.replaceWith(renderProofs(await checkProofs(found.receipts)))
    } catch (error) {
      proofs.replaceWith(h('p', { class: 'error', role: 'alert' }, `Could not check inclusion proofs: ${(error as Error).message}`))
    }
  } catch (error) {
    if (error instanceof AuthError) return showSignin(`The collector refused the token: ${error.message}`)
    el.lookupResult.replaceChildren(h('p', { class: 'error', role: 'alert' }, (error as Error).message))
  }
}

async function download(format: 'jsonl' | 'csv'): Promise<void> {
  el.exportStatus.textContent = 'Preparing the download…'
  try {
    // /export's `to` is exclusive; the range's last day is included.
    const query = new URLSearchParams({ from: el.from.value, to: isoDay(dayMs(el.to.value) + DAY_MS), format })
    const blob = await (await call(`export?${query}`)).blob()
    const a = h('a', { href: URL.createObjectURL(blob), download: `consentry-${el.from.value}-${el.to.value}.${format}` })
    document.body.append(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000)
    el.exportStatus.textContent = `Downloaded ${count(blob.size)} bytes (${format === 'csv' ? 'CSV' : 'JSON lines'}).`
  } catch (error) {
    if (error instanceof AuthError) return showSignin(`The collector refused the token: ${error.message}`)
    el.exportStatus.textContent = `Export failed: ${(error as Error).message}`
  }
}

function start(): void {
  setRange(30)
  el.signinForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const value = el.tokenInput.value.trim()
    if (!value) {
      el.signinError.textContent = 'Enter the admin token.'
      return
    }
    token.set(value)
    void load()
  })
  el.forget.addEventListener('click', () => {
    token.forget()
    loaded = undefined
    showSignin('Token forgotten.')
  })
  el.range.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!el.from.value || !el.to.value) {
      el.error.textContent = 'Choose both dates of the range.'
      return
    }
    void load()
  })
  for (const button of el.range.querySelectorAll<HTMLButtonElement>('[data-days]')) {
    button.addEventListener('click', () => {
      setRange(Number(button.dataset.days))
      void load()
    })
  }
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="by"]')) {
    radio.addEventListener('change', async () => {
      if (!loaded) return
      try {
        loaded.breakdown = await stats(el.from.value, el.to.value, by())
        renderBreakdown(loaded.breakdown)
      } catch (error) {
        el.error.textContent = `Could not load the breakdown: ${(error as Error).message}`
      }
    })
  }
  el.lookupForm.addEventListener('submit', (event) => {
    event.preventDefault()
    void lookup()
  })
  byId('export-jsonl').addEventListener('click', () => void download('jsonl'))
  byId('export-csv').addEventListener('click', () => void download('csv'))
  // Colours come from CSS custom properties: draw again in the other scheme.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', render)
  new ResizeObserver(() => fitCharts()).observe(el.console)
  if (token.get()) void load()
  else showSignin()
}

start()
