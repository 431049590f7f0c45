// The preference centre's chunk (consentry-extras.js) is fetched only when a visitor shows
// an intent to open it: most click Accept or Reject and should not download it, before or after.
// After a decision the floating button comes with a small chunk of its own
// (consentry-reopen.js), unless the page has its own way back.
import { describe, expect, test } from 'vitest'
import { action, banner, page, site, useChromium, whenReady } from './harness.js'

const config = { categories: { necessary: { required: true }, analytics: {} } }
const EXTRAS = '/dist/consentry-extras.js'
const REOPEN = '/dist/consentry-reopen.js'

const t = useChromium(() =>
  site({
    '/': page(config, ''),
    '/footer-link': page(config, '<footer><a href="#" data-consentry="preferences">Cookie settings</a></footer>'),
  }),
)

const fetched = () => t.server.requests.filter((path) => path === EXTRAS).length
/** The extras chunk in the page: a <script> or a prefetch <link> for it, or the chunk run. */
const inPage = () =>
  t.page.evaluate(
    (file) =>
      'ConsentryExtras' in window ||
      [...document.querySelectorAll('script[src],link[href]')].some(
        (e) => (e as HTMLScriptElement).src?.endsWith(file) || (e as HTMLLinkElement).href?.endsWith(file),
      ),
    EXTRAS,
  )
const preferences = () => t.page.locator('#consentry-root [part~="preferences"]')

describe('the preference centre loads on intent', () => {
  test('a visitor who only accepts never downloads the preference centre on a page with its own settings link, however long the page stays open', async () => {
    const before = fetched()
    await t.page.clock.install()
    await t.page.goto(t.server.origin + '/footer-link')
    await whenReady(t.page)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    // Minutes of an idle page with the banner up, then after the choice.
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    await action(t.page, 'accept-all').click()
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    expect(fetched()).toBe(before)
    expect(t.errors).toEqual([])
  })

  test('without a settings link of its own, a decision brings the floating button and not the preference centre', async () => {
    const before = fetched()
    const reopens = t.server.requests.filter((path) => path === REOPEN).length
    await t.page.clock.install()
    await t.page.goto(t.server.url)
    await whenReady(t.page)
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    await action(t.page, 'accept-all').click()
    const button = t.page.locator('#consentry-root [part~="floating-button"]')
    await expect.poll(() => button.isVisible()).toBe(true)
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    expect(fetched()).toBe(before)
    expect(t.server.requests.filter((path) => path === REOPEN).length).toBe(reopens + 1)
    // A pointer on the floating button is the intent: the centre's chunk comes then, and the click opens it.
    const request = t.page.waitForRequest((r) => r.url().endsWith(EXTRAS))
    await button.hover()
    await request
    await button.click()
    await expect.poll(() => preferences().isVisible()).toBe(true)
    expect(t.errors).toEqual([])
  })

  test('a pointer on "Manage preferences" fetches the preference centre before the click, and the click opens it', async () => {
    await t.page.goto(t.server.url)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    const request = t.page.waitForRequest((r) => r.url().endsWith(EXTRAS))
    await action(t.page, 'preferences').hover()
    await request
    await t.page.waitForFunction(() => 'ConsentryExtras' in window)
    expect(await preferences().count()).toBe(0)
    await action(t.page, 'preferences').click()
    await expect.poll(() => preferences().isVisible()).toBe(true)
    expect(t.errors).toEqual([])
  })

  test("keyboard focus on the site's own settings link fetches it, and the link opens it", async () => {
    await t.page.clock.install()
    await t.page.goto(t.server.origin + '/footer-link')
    await whenReady(t.page)
    await action(t.page, 'accept-all').click()
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    const request = t.page.waitForRequest((r) => r.url().endsWith(EXTRAS))
    await t.page.getByRole('link', { name: 'Cookie settings' }).focus()
    await request
    await t.page.keyboard.press('Enter')
    await expect.poll(() => preferences().isVisible()).toBe(true)
    expect(t.errors).toEqual([])
  })

  test('showPreferences() fetches it then, and opens it', async () => {
    await t.page.clock.install()
    await t.page.goto(t.server.url)
    await whenReady(t.page)
    await t.page.clock.runFor(120_000)
    expect(await inPage()).toBe(false)
    await t.page.evaluate(() => (window as unknown as { Consentry: { showPreferences(): void } }).Consentry.showPreferences())
    await expect.poll(() => preferences().isVisible()).toBe(true)
    expect(t.errors).toEqual([])
  })
})
