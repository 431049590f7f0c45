import type { Page } from 'playwright-core'
import { beforeEach, describe, expect, test } from 'vitest'
import { action, banner, page, ran, receiptSink, site, useChromium } from './harness.js'

const config = (revision: number) => ({ revision, receipts: { endpoint: '/receipts' }, categories: { analytics: {}, advertising: {} } })
const gated = `<script type="text/plain" data-category="analytics">window.ran.push('analytics')</script>`

const receipts: string[] = []
const payload = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString())
const t = useChromium(() => site({ '/': page(config(1), gated), '/v2': page(config(2), gated) }, receiptSink(receipts)))
beforeEach(() => {
  receipts.length = 0
})

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
    await b.waitForTimeout(1500) // b listens now
    await action(a, 'accept-all').click()
    await expect.poll(() => ran(b)).toEqual(['analytics'])
    await expect.poll(() => banner(b).count()).toBe(0)
    expect(await b.evaluate(() => (window as unknown as Api).Consentry.has('analytics'))).toBe(true)
    // Only the deciding tab makes a receipt.
    await expect.poll(() => receipts.length, { timeout: 10_000 }).toBe(1)
    await b.waitForTimeout(1500)
    expect(receipts.length).toBe(1)
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
    const b = await open()
    await a.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    // The premise: b was not listening yet when a decided.
    expect(await b.evaluate(() => performance.now())).toBeLessThan(1000)
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
        ;(root.querySelector('[data-action="accept-all"]') as HTMLElement).click()
        w.clickedAt = performance.now()
      })
    })
    await p.goto(t.server.origin + '/')
    await expect.poll(() => p.evaluate(() => (window as unknown as { clickedAt?: number }).clickedAt)).toBeDefined()
    await expect.poll(() => banner(p).count()).toBe(0)
    // The premise: the tab was not listening yet when the choice was made (it starts 1 s after init).
    expect(await p.evaluate(() => (window as unknown as { clickedAt: number }).clickedAt)).toBeLessThan(1000)
    await p.waitForTimeout(1500)
    expect(await p.evaluate(() => (window as unknown as { changes: number }).changes)).toBe(1)
  })

  test('with nothing new in the cookie, the catch-up changes nothing: open preferences stay open, no change event', async () => {
    const b = await open()
    await b.evaluate(() => {
      const w = window as unknown as Api & { changes: number }
      w.changes = 0
      addEventListener('consentry:change', () => w.changes++)
      w.Consentry.showPreferences()
    })
    const dialog = b.locator('#consentry-root [part~="preferences"]')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await b.waitForTimeout(1500)
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
    await v2.waitForTimeout(300)
    expect(await ran(v2)).toEqual([]) // the old revision's consent no longer counts
    await action(v2, 'accept-all').click()
    await expect.poll(() => ran(v2)).toEqual(['analytics'])
    await expect.poll(() => receipts.map((r) => payload(r).event), { timeout: 10_000 }).toEqual(['given', 'renewed'])
  })
})
