// What each region's visitor sees (docs/regions.md): a notice that reads as one and asks
// nothing, the "Do Not Sell or Share" link where opt-out applies, Global Privacy Control's
// confirmation on the page, and a way back to the settings after any decision.

import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, axeViolations, banner, page, ran, site, useChromium, whenReady } from './harness.js'

const mode = { EEA: 'opt-in', UK: 'opt-in', 'US-CA': 'opt-out', '*': 'notice' }
const gated = `
<script type="text/plain" data-category="analytics">window.ran.push('analytics')</script>
<script type="text/plain" data-category="advertising">window.ran.push('advertising')</script>`
/** A page in `region` (as a server fills in `data-region` from its geo header). */
const inRegion = (region: string, config: object = {}, body = gated, lang = 'en') =>
  page({ mode, ...config }, body).replace('<html lang="en">', `<html lang="${lang}" data-region="${region}">`)
const ownLink = '<footer><a href="/privacy" data-consentry="preferences">Cookie settings</a></footer>'

const t = useChromium(() =>
  site({
    '/tx': inRegion('US-TX'),
    '/tx-de': inRegion('US-TX', {}, gated, 'de'),
    '/ca': inRegion('US-CA'),
    '/ca-footer': inRegion('US-CA', {}, gated + '<footer><a href="#" data-consentry="do-not-sell">Do Not Sell or Share My Personal Information</a></footer>'),
    '/ca-own-link': inRegion('US-CA', {}, gated + ownLink),
    '/de': inRegion('DE'),
    '/de-own-link': inRegion('DE', {}, gated + ownLink),
    '/de-no-button': inRegion('DE', { ui: { floatingButton: false } }),
  }),
)

type State = { decided: boolean; source: string | null; categories: Record<string, boolean> }
const state = (p: Page) => p.evaluate(() => (window as unknown as { Consentry: { get(): State } }).Consentry.get())
const buttons = (p: Page) =>
  banner(p)
    .locator('button')
    .evaluateAll((els) => els.map((b) => `${b.getAttribute('data-action')}: ${b.textContent}`))
const floating = (p: Page) => p.locator('#consentry-root [part~="floating-button"]')
const doNotSell = (p: Page) => banner(p).locator('[part~="do-not-sell"]')
const prefs = (p: Page) => p.locator('#consentry-root [part~="preferences"]')

async function open(path: string): Promise<Page> {
  await t.page.goto(t.server.origin + path)
  await whenReady(t.page)
  return t.page
}

const withGpc = () => t.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))

describe('notice regions: a notice, not a choice', () => {
  test('its own title and text and a single "Got it"; acknowledging keeps everything as it was and leaves a way back', async () => {
    const p = await open('/tx')
    expect(await banner(p).locator('h2').textContent()).toBe('Cookies on this site')
    expect(await banner(p).locator('#cs-desc').textContent()).toMatch(/^We use cookies and similar technologies to run this site/)
    expect(await buttons(p)).toEqual(['acknowledge: Got it'])
    expect(await doNotSell(p).count()).toBe(0)
    expect(await axeViolations(p)).toEqual([])
    await action(p, 'acknowledge').click()
    await expect.poll(() => banner(p).count()).toBe(0)
    expect(await state(p)).toMatchObject({ decided: true, source: 'banner', categories: { analytics: true, advertising: true } })
    await expect.poll(() => floating(p).isVisible()).toBe(true)
  })

  test('in the page\'s language: "Verstanden" on a German page', async () => {
    const p = await open('/tx-de')
    await expect.poll(() => buttons(p)).toEqual(['acknowledge: Verstanden'])
    expect(await banner(p).locator('h2').textContent()).toBe('Cookies auf dieser Website')
  })

  test('opt-in regions keep Accept all, Reject all and Manage preferences, and no "Do Not Sell" link', async () => {
    const p = await open('/de')
    expect(await buttons(p)).toEqual(['accept-all: Accept all', 'reject-all: Reject all', 'preferences: Manage preferences'])
    expect(await banner(p).locator('h2').textContent()).toBe('We value your privacy')
    expect(await doNotSell(p).count()).toBe(0)
  })
})

describe('opt-out regions: "Do Not Sell or Share My Personal Information"', () => {
  test('the first layer has the link; one click switches advertising off and leaves the rest on', async () => {
    const p = await open('/ca')
    // Opt-out: everything runs until the visitor says no.
    await expect.poll(() => ran(p)).toEqual(['analytics', 'advertising'])
    expect(await doNotSell(p).textContent()).toBe('Do Not Sell or Share My Personal Information')
    expect(await axeViolations(p)).toEqual([])
    await doNotSell(p).click()
    await expect.poll(() => banner(p).count()).toBe(0)
    expect(await state(p)).toMatchObject({ decided: true, source: 'banner', categories: { analytics: true, advertising: false } })
    expect(new URL(p.url()).hash).toBe('') // the link's href="#" is not followed
  })

  test('by keyboard: Enter on the link opts out', async () => {
    const p = await open('/ca')
    await doNotSell(p).focus()
    await p.keyboard.press('Enter')
    await expect.poll(() => state(p)).toMatchObject({ decided: true, categories: { advertising: false } })
  })

  test('a link of the page with data-consentry="do-not-sell" opts out too, after an earlier Accept all', async () => {
    const p = await open('/ca-footer')
    await action(p, 'accept-all').click()
    await expect.poll(() => state(p)).toMatchObject({ categories: { advertising: true } })
    await p.locator('footer a').click()
    await expect.poll(() => state(p)).toMatchObject({ source: 'api', categories: { analytics: true, advertising: false } })
  })
})

describe('Global Privacy Control: honoured, and the page says so', () => {
  test('the floating button carries the confirmation, without opening anything, and opens the settings', async () => {
    await withGpc()
    const p = await open('/ca')
    expect(await banner(p).count()).toBe(0)
    await expect.poll(() => floating(p).isVisible()).toBe(true)
    expect(await floating(p).textContent()).toBe('Your opt-out preference signal was honoured.')
    expect(await floating(p).getAttribute('aria-label')).toBe('Your opt-out preference signal was honoured. Privacy preferences')
    expect(await axeViolations(p)).toEqual([])
    await floating(p).click()
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
  })

  test('also on a page that has its own settings link (which cannot say it)', async () => {
    await withGpc()
    const p = await open('/ca-own-link')
    await expect.poll(() => floating(p).textContent()).toBe('Your opt-out preference signal was honoured.')
  })
})

describe('reopening by default', () => {
  test('after a decision a floating button stays on the page with no config for it', async () => {
    const p = await open('/de')
    await action(p, 'reject-all').click()
    await expect.poll(() => floating(p).isVisible()).toBe(true)
    expect(await floating(p).textContent()).toBe('Privacy preferences')
    // A returning visitor finds it too.
    await p.reload()
    await whenReady(p)
    await expect.poll(() => floating(p).isVisible()).toBe(true)
  })

  test('a page with its own data-consentry="preferences" element gets none, and no chunk is fetched for it', async () => {
    let p = await open('/de-own-link')
    await action(p, 'accept-all').click()
    await p.reload()
    p = t.page
    await whenReady(p)
    // The page's own link still opens the centre (the chunk loads then).
    const before = t.server.requests.filter((r) => r.endsWith('consentry-extras.js')).length
    await p.evaluate(() => new Promise((done) => (document.readyState === 'complete' ? done(null) : addEventListener('load', done))))
    expect(await floating(p).count()).toBe(0)
    expect(t.server.requests.filter((r) => r.endsWith('consentry-extras.js')).length).toBe(before)
    await p.locator('footer a').click()
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    expect(await floating(p).isVisible()).toBe(false)
  })

  test('ui.floatingButton: false turns it off', async () => {
    const p = await open('/de-no-button')
    await action(p, 'accept-all').click()
    await p.evaluate(() => (window as unknown as { Consentry: { showPreferences(): void } }).Consentry.showPreferences())
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    await p.keyboard.press('Escape')
    await expect.poll(() => prefs(p).count()).toBe(0)
    expect(await floating(p).count()).toBe(0)
  })
})
