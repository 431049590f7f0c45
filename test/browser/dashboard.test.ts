// The site owner's console (GET /dashboard) in real Chromium, served by a real collector with the
// hand-counted log of test/server/helpers/stats-seed.ts: the numbers read back from the tables
// behind the charts, the lookup, the token kept per tab, keyboard use, axe, the strict CSP, and
// screenshots (light, dark, phone) in test/browser/__screenshots__/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve } from '@hono/node-server'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core'
import { audit, auditRun } from '../../src/server/audit.js'
import { checkpointPublicKeyOf } from '../../src/server/checkpoint.js'
import { collectorKeyFrom, newPrivateKey, createCollector, Integrator, type Collector } from '../../src/server/index.js'
import { sqliteRepository } from '../../src/server/storage/sqlite.js'
import { Browser } from '../server/helpers/receipts.js'
import { EXPECTED, seedLog } from '../server/helpers/stats-seed.js'
import { launch } from './harness.js'

const ADMIN = 'console-admin-token'
const SHOTS = join(process.cwd(), 'test/browser/__screenshots__')
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let dir: string
let collector: Collector
let server: ReturnType<typeof serve>
let origin: string
let chromium: Chromium
let clock = 0
let visitor: Browser
/** Signs checkpoints only when told: which receipts a checkpoint covers stays up to the test. */
let integrator: Integrator

/** Every CSP violation the page reports, collected from before its first script runs. */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __csp: string[] }).__csp = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
}
const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)

async function open(options: { colorScheme?: 'light' | 'dark'; width?: number } = {}) {
  const context = await chromium.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1200, height: 900 },
    deviceScaleFactor: 1,
  })
  await watchCsp(context)
  const page = await context.newPage()
  const response = await page.goto(`${origin}/dashboard`)
  expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self'/)
  return { context, page }
}

/** Signs in with the keyboard (the token field has focus), then shows 2026-03-01 … 2026-03-04. */
async function signIn(page: Page) {
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('token')
  await page.keyboard.type(ADMIN)
  await page.keyboard.press('Enter')
  await page.locator('#console').waitFor({ state: 'visible' })
  await page.locator('#from').fill('2026-03-01')
  await page.locator('#to').fill('2026-03-04')
  await page.locator('#range button[type="submit"]').click()
  await page.locator('#status', { hasText: '9 decisions from 2026-03-01 to 2026-03-04.' }).waitFor()
}

/** The log health card as label → text. */
const healthFacts = (page: Page) =>
  page
    .locator('#health')
    .evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, (dt.nextElementSibling?.textContent ?? '').trim()])))

/** The inclusion proofs table: seq, leaf index, tree size, the path's hashes, the verdict, the proof link. */
const proofRows = (page: Page) =>
  page.locator('#lookup-result table.proofs tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      seq: r.querySelector('th')?.textContent,
      leaf: r.children[1]?.textContent,
      size: r.children[2]?.textContent,
      path: [...r.querySelectorAll('.path li code')].map((c) => c.textContent),
      verdict: r.querySelector('.verdict')?.textContent,
      link: r.querySelector('a')?.getAttribute('href'),
    })),
  )

/** A table's body as text cells, row by row (row header first). */
const tableRows = (page: Page, selector: string) =>
  page.locator(`${selector} table tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())))

async function axe(page: Page) {
  // Evaluated by the test driver, not as a page script: the page's CSP stays as strict as it is.
  await page.evaluate(axeSource)
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } })
    return result.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'consentry-console-'))
  collector = await createCollector({
    store: await sqliteRepository(join(dir, 'consent.db')),
    key: collectorKeyFrom(newPrivateKey()),
    adminToken: ADMIN,
    now: () => clock,
    rateLimits: false,
    integrate: false,
  })
  integrator = new Integrator({ store: collector.store, signer: collector.signer, now: () => clock })
  const post = (jws: string) => collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain' } })
  await seedLog({ post, setClock: (ms) => (clock = ms) })
  // One visitor with three receipts after the range, the third skipping seq 2: a chain break.
  visitor = new Browser()
  for (const [i, claims] of [
    { categories: { necessary: true, analytics: false } },
    { categories: { necessary: true, analytics: true }, event: 'updated' },
  ].entries()) {
    clock = Date.parse('2026-03-06T09:00:00Z') + i * 60_000
    expect((await post(visitor.receipt({ iat: Math.floor(clock / 1000), ...claims }))).status).toBe(201)
  }
  visitor.seq += 1
  clock = Date.parse('2026-03-06T10:00:00Z')
  expect((await post(visitor.receipt({ iat: Math.floor(clock / 1000), event: 'withdrawn', categories: { necessary: true, analytics: false } }))).status).toBe(
    201,
  )
  clock = Date.parse('2026-03-06T12:00:00Z')
  // The checkpoint the lookup's inclusion proofs are checked against: every entry is in it.
  expect((await integrator.integrateNow())!.size).toBe((await collector.store.head()).logIndex)
  server = serve({ fetch: collector.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  chromium = await launch()
  mkdirSync(SHOTS, { recursive: true })
})

afterAll(async () => {
  await chromium?.close()
  await new Promise((resolve) => server?.close(resolve))
  await collector?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the console (GET /dashboard)', () => {
  it('asks for the token, then shows the seeded numbers in the tables behind the charts', async () => {
    const { context, page } = await open()
    await signIn(page)
    const day = EXPECTED.day
    expect(await tableRows(page, '#time-chart')).toEqual(day.map((r) => [r.key, ...[r.decisions, r.acceptAll, r.rejectAll, r.custom, r.gpc].map(String)]))
    // The summary: 9 decisions, 4 accept all (44.4 %), 3 reject all, 2 custom, 2 GPC refusals.
    expect(await page.locator('#summary dd').allTextContents()).toEqual(['9', '44.4 %4 of 9', '33.3 %3 of 9', '22.2 %2 of 9', '2'])
    // Opt-in per category over the range: advertising 4 of 9, analytics 6 of 9, functional 5 of 9.
    expect(await page.locator('#optin-totals li').allTextContents()).toEqual(['advertising44.4 %4 of 9', 'analytics66.7 %6 of 9', 'functional55.6 %5 of 9'])
    expect((await tableRows(page, '#optin-chart'))[0]).toEqual(['2026-03-01', '25.0 %', '75.0 %', '50.0 %'])
    // Each breakdown: the radio buttons, driven by the keyboard (arrow keys move the choice).
    const labels: Record<string, (key: string | null) => string> = {
      region: (k) => k ?? 'no region',
      mode: (k) => k ?? 'not given',
      revision: (k) => `${k!.split(':')[0]} · ${k!.split(':')[1]!.slice(0, 8)}`,
      language: (k) => k ?? 'not given',
    }
    await page.locator('input[name="by"][value="region"]').focus()
    for (const [i, by] of (['region', 'mode', 'revision', 'language'] as const).entries()) {
      if (i > 0) await page.keyboard.press('ArrowRight')
      await expect.poll(() => page.locator('#breakdown-chart caption').textContent()).toContain(`by ${by}`)
      expect(await tableRows(page, '#breakdown-chart'), by).toEqual(
        EXPECTED[by].map((r) => [
          labels[by]!(r.key),
          ...[r.decisions, r.acceptAll, r.rejectAll, r.custom, r.gpc].map(String),
          `${((r.acceptAll / r.decisions) * 100).toFixed(1)} %`,
        ]),
      )
    }
    // uPlot drew its canvases (one per chart), sized to the page.
    expect(await page.locator('.plot canvas').count()).toBe(3)
    expect(await page.locator('#time-chart .plot canvas').evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(600)
    expect(await cspViolations(page)).toEqual([])
    await context.close()
  })

  it('looks up a consent id: its receipts, their claims and config hashes, and the chain break', async () => {
    const { context, page } = await open()
    await signIn(page)
    await page.locator('#consent-id').fill(visitor.sub)
    await page.locator('#consent-id').press('Enter')
    await page.locator('#lookup-result table.proofs').waitFor()
    expect(await page.locator('#lookup-result .subject .badge').textContent()).toBe('1 chain break in 3 receipts (recorded on arrival, not refused).')
    const rows = await tableRows(page, '#lookup-result .subject')
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '4'])
    expect(rows.map((r) => r[3])).toEqual(['givenbanner', 'updatedbanner', 'withdrawnbanner'])
    expect(rows[1]![4]).toBe('necessary: grantedanalytics: granted')
    expect(rows[0]![6]).toMatch(/^revision 1[A-Za-z0-9_-]{43}$/)
    expect(rows[0]![7]).toMatch(/^en[A-Za-z0-9_-]{43}$/)
    expect(rows[0]![8]).toBe('intact')
    expect(rows[2]![8]).toMatch(/^seq-gap/)
    // Each receipt's inclusion proof against the newest checkpoint, verified in the browser.
    const size = (await collector.store.head()).logIndex
    const leaves = (await collector.store.bySubject({ sub: visitor.sub, afterIndex: 0, limit: 10 })).map((e) => e.logIndex - 1)
    const served = await Promise.all(
      leaves.map(async (leaf) => (await (await collector.app.request(`/log/proof/inclusion?index=${leaf}&size=${size}`)).json()).hashes),
    )
    expect(await proofRows(page)).toEqual(
      leaves.map((leaf, i) => ({
        seq: ['1', '2', '4'][i],
        leaf: String(leaf),
        size: String(size),
        path: served[i],
        verdict: 'verified',
        link: `log/proof/inclusion?index=${leaf}&size=${size}`,
      })),
    )
    expect(served.every((path) => path.length > 0)).toBe(true)
    expect(await page.locator('#lookup-result .inclusion .badge').textContent()).toBe(`3 of 3 receipts verified in the checkpoint of ${size} entries.`)
    expect(await page.locator('#checkpoint-signature').textContent()).toMatch(/^Checkpoint ".+": signature verified with this collector's log key \(.+\)\./)
    await page.locator('#consent-id').fill('no-such-consent-id-0000')
    await page.locator('#lookup-form button').click()
    await page.locator('#lookup-result [role="alert"]', { hasText: 'no stored receipts for consent id "no-such-consent-id-0000"' }).waitFor()
    expect(await cspViolations(page)).toEqual([])
    await context.close()
  })

  it('checks each proof itself: a proof path altered on the way does not verify', async () => {
    const { context, page } = await open()
    // The collector is honest; the network between it and the browser is not.
    await page.route('**/log/proof/inclusion?*', async (route) => {
      const proof = await (await route.fetch()).json()
      proof.hashes[0] = Buffer.alloc(32, 7).toString('base64')
      await route.fulfill({ json: proof })
    })
    await signIn(page)
    await page.locator('#consent-id').fill(visitor.sub)
    await page.locator('#lookup-form button').click()
    await page.locator('#lookup-result table.proofs').waitFor()
    expect((await proofRows(page)).map((r) => r.verdict)).toEqual(['does not verify', 'does not verify', 'does not verify'])
    expect(await page.locator('#lookup-result .inclusion .badge').textContent()).toMatch(
      /^3 of 3 receipts do not verify against the checkpoint of \d+ entries\.$/,
    )
    expect(await cspViolations(page)).toEqual([])
    await context.close()
  })

  it('log health: entries, the last checkpoint, and the last audit (never audited, then failed, then passed)', async () => {
    const { context, page } = await open()
    await signIn(page)
    const checkpoint = (await collector.store.checkpoint())!
    const entries = (await collector.store.head()).logIndex
    let facts = await healthFacts(page)
    expect(facts).toMatchObject({
      Entries: String(entries),
      'Last checkpoint': `${entries} entries, ${new Date(checkpoint.createdMs)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}`,
      'Checkpoint root': checkpoint.root,
      'Last audit': 'never audited — run consentry-collector audit',
    })
    expect(await axe(page)).toEqual([])
    // A run that found problems (as the CLI records a failed audit): FAILED, with its first finding.
    await collector.store.recordAudit({
      ranMs: Date.parse('2026-03-06T11:15:00Z'),
      ok: false,
      entries,
      treeSize: entries,
      findings: 2,
      firstFinding: 'entry 5: altered: entry hash does not chain to entry 4',
      signaturesChecked: false,
    })
    await page.locator('#range button[type="submit"]').click()
    await expect
      .poll(async () => (await healthFacts(page))['Last audit'])
      .toBe(
        `FAILED: 2 findings 2026-03-06 11:15:00 UTCfirst: entry 5: altered: entry hash does not chain to entry 4 (${entries} entries, tree of ${entries}, checkpoint signatures not checked)`,
      )
    expect(await axe(page)).toEqual([])
    // A later, real audit of this log (what `consentry-collector audit` records): the newest run is shown.
    const report = await audit(collector.store, { keys: [collector.key.publicJwk] }, { checkpointKeys: [checkpointPublicKeyOf(collector.key)] })
    await collector.store.recordAudit(auditRun(report, Date.parse('2026-03-06T11:30:00Z')))
    await page.locator('#range button[type="submit"]').click()
    await expect.poll(async () => (await healthFacts(page))['Last audit']).toBe(`passed 2026-03-06 11:30:00 UTC${entries} entries, tree of ${entries}`)
    facts = await healthFacts(page)
    expect(facts.Entries).toBe(String(entries))
    await context.close()
  })

  it('keeps the token for the tab only; a wrong token is refused and asked for again', async () => {
    const { context, page } = await open()
    await signIn(page)
    await page.reload()
    await page.locator('#console').waitFor({ state: 'visible' })
    // Another tab has its own sessionStorage: it asks again.
    const other = await context.newPage()
    await other.goto(`${origin}/dashboard`)
    await other.locator('#signin').waitFor({ state: 'visible' })
    await other.locator('#token').fill('not-the-token')
    await other.locator('#token').press('Enter')
    await other.locator('#signin-error', { hasText: 'The collector refused the token: expected Authorization: Bearer <admin token>' }).waitFor()
    expect(await other.evaluate(() => sessionStorage.length)).toBe(0)
    await page.locator('#forget').click()
    await page.locator('#signin').waitFor({ state: 'visible' })
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0)
    await context.close()
  })

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: no axe violations with every table open and a lookup shown, no CSP violation; screenshot`, async () => {
      const { context, page } = await open({ colorScheme: scheme })
      expect(await axe(page)).toEqual([])
      await signIn(page)
      await page.locator('#consent-id').fill(visitor.sub)
      await page.locator('#lookup-form button').click()
      await page.locator('#lookup-result table.proofs').waitFor()
      await page.screenshot({ path: join(SHOTS, `console-${scheme}.png`), fullPage: true })
      await page.locator('details.table').evaluateAll((all) => all.forEach((d) => d.setAttribute('open', '')))
      expect(await axe(page)).toEqual([])
      expect(await cspViolations(page)).toEqual([])
      await context.close()
    })
  }

  it('works at 375 px: nothing wider than the screen, charts fit; axe clean; screenshot', async () => {
    const { context, page } = await open({ width: 375 })
    await signIn(page)
    await page.locator('#consent-id').fill(visitor.sub)
    await page.locator('#lookup-form button').click()
    await page.locator('#lookup-result table.proofs').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    const width = await page.locator('#time-chart .plot canvas').evaluate((c: HTMLCanvasElement) => c.getBoundingClientRect().width)
    expect(width).toBeGreaterThan(250)
    expect(width).toBeLessThanOrEqual(345)
    await page.screenshot({ path: join(SHOTS, 'console-phone.png'), fullPage: true })
    expect(await axe(page)).toEqual([])
    expect(await cspViolations(page)).toEqual([])
    // The listener does hear a violation: an inline script added now is refused and reported.
    await page.evaluate(() => document.head.append(Object.assign(document.createElement('script'), { textContent: 'window.ran = true' })))
    await expect.poll(() => cspViolations(page)).toEqual(['script-src-elem inline'])
    expect(await page.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBeUndefined()
    await context.close()
  })

  // Last: it adds a receipt the newest checkpoint does not cover.
  it('a receipt newer than the newest checkpoint is pending, not failed', async () => {
    clock = Date.parse('2026-03-06T12:30:00Z')
    const res = await collector.app.request('/receipts', {
      method: 'POST',
      body: visitor.receipt({ iat: Math.floor(clock / 1000), event: 'updated', categories: { necessary: true, analytics: true } }),
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.status).toBe(201)
    const size = (await collector.store.checkpoint())!.size
    const { context, page } = await open()
    await signIn(page)
    await page.locator('#consent-id').fill(visitor.sub)
    await page.locator('#lookup-form button').click()
    await page.locator('#lookup-result table.proofs').waitFor()
    const rows = await proofRows(page)
    expect(rows.map((r) => [r.seq, r.verdict])).toEqual([
      ['1', 'verified'],
      ['2', 'verified'],
      ['4', 'verified'],
      ['5', 'pending'],
    ])
    expect(rows[3]).toMatchObject({ leaf: String(size), size: '–', path: [], link: undefined })
    expect(await page.locator('#lookup-result table.proofs tbody tr:last-child .detail').textContent()).toBe(
      `not in a checkpoint yet (the newest covers ${size} entries)`,
    )
    expect(await page.locator('#lookup-result .inclusion .badge').textContent()).toBe(`3 of 4 receipts verified in the checkpoint of ${size} entries.`)
    await context.close()
  })
})
