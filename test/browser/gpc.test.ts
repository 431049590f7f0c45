import type { Page } from 'playwright-core'
import { beforeEach, describe, expect, test } from 'vitest'
import { banner, gateSettled, page, ran, receiptSink, site, useChromium } from './harness.js'

const config = {
  mode: { EEA: 'opt-in', UK: 'opt-in', 'US-CA': 'opt-out', '*': 'notice' },
  google: { consentMode: true },
  receipts: { endpoint: '/receipts' },
}
const gated = `
<script type="text/plain" data-category="analytics">window.ran.push('analytics')</script>
<script type="text/plain" data-category="advertising">window.ran.push('advertising')</script>`
/** The same page, with the region a server would fill in from its geo header. */
const inRegion = (region: string) => page(config, gated).replace('<html lang="en">', `<html lang="en" data-region="${region}">`)

type State = { decided: boolean; source: string | null; categories: Record<string, boolean> }
const state = (p: Page) => p.evaluate(() => (window as unknown as { Consentry: { get(): State } }).Consentry.get())
const payload = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString())

/**
 * Makes a decision through the API and waits for its receipt: receipts are signed from the
 * decisions noted, oldest first, and delivered one at a time in that order, so one the page
 * made earlier (wrongly) has reached the endpoint by then. Returns the receipts' sources.
 */
const laterReceipt = async (p: Page): Promise<string[]> => {
  await p.evaluate(() => (window as unknown as { Consentry: { rejectAll(): void } }).Consentry.rejectAll())
  await expect.poll(() => receipts.map((r) => payload(r).source), { timeout: 10_000 }).toContain('api')
  return [...new Set(receipts)].map((r) => payload(r).source)
}

const receipts: string[] = []
const t = useChromium(() => site({ '/ca': inRegion('US-CA'), '/de': inRegion('DE'), '/tx': inRegion('US-TX') }, receiptSink(receipts)))
beforeEach(() => {
  receipts.length = 0
})

const withGpc = (on: boolean) =>
  t.context.addInitScript((value) => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => value })
    Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })
  }, on)

describe('Global Privacy Control', () => {
  test('opt-out region (US-CA): advertising is off with no click, a "gpc" receipt is made, no advertising tag runs', async () => {
    await withGpc(true)
    await t.page.goto(t.server.origin + '/ca')
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(await state(t.page)).toMatchObject({ decided: true, source: 'gpc', categories: { analytics: true, advertising: false } })
    await expect.poll(() => receipts.length, { timeout: 10_000 }).toBeGreaterThan(0)
    expect(payload(receipts[0])).toMatchObject({ source: 'gpc', event: 'refused', gpc: true, categories: { advertising: false } })
    // Consent Mode tells Google the same: ads denied, analytics granted (opt-out).
    const update = await t.page.evaluate(() =>
      Array.from((window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer, (e) => Array.from(e)).find((e) => e[1] === 'update'),
    )
    expect(update?.[2]).toMatchObject({ ad_storage: 'denied', ad_user_data: 'denied', analytics_storage: 'granted' })
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['analytics'])
    expect(t.errors).toEqual([])
  })

  test('the GPC refusal is remembered: no new receipt and still no advertising after a reload', async () => {
    await withGpc(true)
    await t.page.goto(t.server.origin + '/ca')
    await expect.poll(() => receipts.length, { timeout: 10_000 }).toBe(1)
    await t.page.reload()
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    await gateSettled(t.page)
    // A receipt may be posted again if the reload cut off the first answer (delivery is
    // at least once, the collector is idempotent on jti); what must not happen is a new one.
    expect(new Set(receipts).size).toBe(1)
    // A GPC receipt made by this page view would reach the endpoint before a later decision's.
    expect(await laterReceipt(t.page)).toEqual(['gpc', 'api'])
  })

  test('opt-in region (DE): GPC is never read as consent, nor as a decision — the banner still asks', async () => {
    await withGpc(true)
    await t.page.goto(t.server.origin + '/de')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await state(t.page)).toMatchObject({ decided: false, categories: { analytics: false, advertising: false } })
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual([])
    expect(receipts).toEqual([])
    // The visitor's own refusal is the only receipt: GPC made none before it.
    expect(await laterReceipt(t.page)).toEqual(['api'])
  })

  test('without GPC (and with Do Not Track, which is ignored) an opt-out region allows advertising until the visitor says no', async () => {
    await withGpc(false)
    await t.page.goto(t.server.origin + '/ca')
    await expect.poll(() => ran(t.page)).toEqual(['analytics', 'advertising'])
    expect(await state(t.page)).toMatchObject({ decided: false, categories: { advertising: true } })
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
  })

  test('notice region ("*" rule): GPC turns advertising off there too', async () => {
    await withGpc(true)
    await t.page.goto(t.server.origin + '/tx')
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(await state(t.page)).toMatchObject({ source: 'gpc', categories: { advertising: false } })
  })
})

describe('GPC in the preference centre', () => {
  test('after a GPC refusal the preference centre says the signal was honoured', async () => {
    await withGpc(true)
    await t.page.goto(t.server.origin + '/ca')
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    await t.page.evaluate(() => (window as unknown as { Consentry: { showPreferences(): void } }).Consentry.showPreferences())
    const notice = t.page.locator('#consentry-root [part~="gpc-notice"]')
    await expect.poll(() => notice.textContent()).toBe('Your opt-out preference signal was honoured.')
  })
})
