import type { Page } from 'playwright-core'
import { beforeEach, describe, expect, test } from 'vitest'
import { action, banner, gateSettled, page, ran, receiptSink, site, useChromium } from './harness.js'

const config = (revision: number) => ({ revision, receipts: { endpoint: '/receipts' }, categories: { analytics: {}, advertising: {} } })
const gated = `<script type="text/plain" data-category="analytics">window.ran.push('analytics')</script>`

const receipts: string[] = []
const payload = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString())
const t = useChromium(() => site({ '/': page(config(1), gated), '/v2': page(config(2), gated) }, receiptSink(receipts)))
beforeEach(async () => {
  receipts.length = 0
  // Marks the moment a tab starts listening to the others: src/effects/sync.ts adds its
  // `storage` listener and, in the same task, catches up from the cookie. A state to wait
  // for and to check a test's premise against, instead of the clock.
  await t.context.addInitScript(() => {
    const w = window as unknown as Probe
    w.listening = false
    const add = window.addEventListener
    window.addEventListener = function (this: Window | undefined, ...args: Parameters<Window['addEventListener']>) {
      if (args[0] === 'storage') w.listening = true
      return add.apply(this ?? window, args)
    } as Window['addEventListener']
  })
})

type Probe = { listening: boolean; changes: number; listeningAtDecision?: boolean }
/** Resolves once the tab listens to other tabs and has caught up from the cookie. */
const listening = (p: Page) => p.waitForFunction(() => (window as unknown as Probe).listening)

type Api = { Consentry: { has(n: string): boolean; acceptAll(): void; showPreferences(): void } }
// A tab starts listening for other tabs a second after start-up (src/effects/sync.ts):
// what reaches it may take that long.
const SYNC = { timeout: 5_000 }

const open = async (path = '/'): Promise<Page> => {
  const p = await t.context.newPage()
  await p.goto(t.server.origin + path)
  await expect.poll(() => banner(p).isVisible()).toBe(true)
  return p
}

describe('two tabs', () => {
  test('a choice in one tab applies in the other without a reload: gated scripts run there and its banner goes', async () => {
    const a = await open()
    const b = await open()
    await listening(b)
    await action(a, 'accept-all').click()
    await expect.poll(() => ran(b)).toEqual(['analytics'])
    await expect.poll(() => banner(b).count()).toBe(0)
    expect(await b.evaluate(() => (window as unknown as Api).Consentry.has('analytics'))).toBe(true)
    // Only the deciding tab makes a receipt.
    await expect.poll(() => receipts.length, { timeout: 10_000 }).toBe(1)
    expect(receipts.length).toBe(1)
    // Positive signal: a decision of b's own. Receipts are signed from the noted decisions in
    // order and delivered one at a time, so one b had made on the sync would have arrived first.
    await b.evaluate(() => (window as unknown as { Consentry: { rejectAll(): void } }).Consentry.rejectAll())
    await expect.poll(() => receipts.map((r) => payload(r).source), { timeout: 10_000 }).toContain('api')
    expect([...new Set(receipts)].map((r) => payload(r).source)).toEqual(['banner', 'api'])
  })

  test('a withdrawal and a reset travel too', async () => {
    const a = await open()
    const b = await open()
    await action(a, 'accept-all').click()
    await expect.poll(() => ran(b), SYNC).toEqual(['analytics'])
    await a.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ analytics: false }))
    await expect.poll(() => b.evaluate(() => (window as unknown as Api).Consentry.has('analytics')), SYNC).toBe(false)
    await a.evaluate(() => (window as unknown as { Consentry: { reset(): void } }).Consentry.reset())
    await expect.poll(() => banner(b).isVisible(), SYNC).toBe(true)
  })

  test('a choice made in another tab before this one listens is caught up from the cookie', async () => {
    const a = await open()
    // b, opened by a, makes the choice in a as soon as b's page is parsed: its SDK has
    // started (and read the cookie) and, on any machine, is not yet listening to other tabs.
    await t.context.addInitScript(() => {
      const w = window as unknown as Probe
      if (!opener) return
      addEventListener('DOMContentLoaded', () => {
        w.listeningAtDecision = w.listening
        ;(opener as Api).Consentry.acceptAll()
      })
    })
    const [b] = await Promise.all([t.context.waitForEvent('page'), a.evaluate(() => void window.open('/'))])
    // The premise: b was not listening yet when a decided.
    await expect.poll(() => b.evaluate(() => (window as unknown as Probe).listeningAtDecision)).toBe(false)
    expect(await a.evaluate(() => (window as unknown as Api).Consentry.has('analytics'))).toBe(true)
    await expect.poll(() => ran(b), SYNC).toEqual(['analytics'])
    await expect.poll(() => banner(b).count()).toBe(0)
  })

  test('a choice made here before the tab listens is not echoed back: one change event', async () => {
    const p = await t.context.newPage()
    await p.addInitScript(() => {
      const w = window as unknown as { changes: number; clickedAt?: number }
      w.changes = 0
      addEventListener('consentry:change', () => w.changes++)
      // The visitor clicks Accept all as soon as the banner is there, from inside the page: a
      // click driven from the test could come after the listener started on a busy machine.
      addEventListener('consentry:ready', () => {
        const root = document.getElementById('consentry-root')!.shadowRoot!
        ;(window as unknown as Probe).listeningAtDecision = (window as unknown as Probe).listening
        ;(root.querySelector('[data-action="accept-all"]') as HTMLElement).click()
        w.clickedAt = performance.now()
      })
    })
    await p.goto(t.server.origin + '/')
    await expect.poll(() => p.evaluate(() => (window as unknown as { clickedAt?: number }).clickedAt)).toBeDefined()
    await expect.poll(() => banner(p).count()).toBe(0)
    // The premise: the tab was not listening yet when the choice was made (it starts 1 s after init).
    expect(await p.evaluate(() => (window as unknown as Probe).listeningAtDecision)).toBe(false)
    // The catch-up has run since.
    await listening(p)
    expect(await p.evaluate(() => (window as unknown as { changes: number }).changes)).toBe(1)
  })

  test('with nothing new in the cookie, the catch-up changes nothing: open preferences stay open, no change event', async () => {
    const b = await t.context.newPage()
    // The preferences open as soon as the SDK is ready, before the tab listens (checked below).
    await b.addInitScript(() => {
      addEventListener('consentry:ready', () => {
        const w = window as unknown as Api & Probe
        w.changes = 0
        addEventListener('consentry:change', () => w.changes++)
        w.listeningAtDecision = w.listening
        w.Consentry.showPreferences()
      })
    })
    await b.goto(t.server.origin + '/')
    const dialog = b.locator('#consentry-root [part~="preferences"]')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await b.evaluate(() => (window as unknown as Probe).listeningAtDecision)).toBe(false)
    await listening(b)
    expect(await dialog.isVisible()).toBe(true)
    expect(await b.evaluate(() => (window as unknown as { changes: number }).changes)).toBe(0)
  })
})

describe('consent lifetime', () => {
  test('a revision bump asks again; confirming the same choice is a "renewed" receipt', async () => {
    const a = await open()
    await action(a, 'accept-all').click()
    await expect.poll(() => ran(a)).toEqual(['analytics'])
    const v2 = await t.context.newPage()
    await v2.goto(t.server.origin + '/v2')
    await expect.poll(() => banner(v2).isVisible()).toBe(true)
    await gateSettled(v2)
    expect(await ran(v2)).toEqual([]) // the old revision's consent no longer counts
    await action(v2, 'accept-all').click()
    await expect.poll(() => ran(v2)).toEqual(['analytics'])
    await expect.poll(() => receipts.map((r) => payload(r).event), { timeout: 10_000 }).toEqual(['given', 'renewed'])
  })
})
