import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { action, axeViolations as violations, banner, focusedAs, launch, page, site, type Site } from './harness.js'

const config = (lang: string, scheme: 'light' | 'dark') => ({
  policyUrl: '/privacy',
  language: { default: lang },
  ui: { theme: { scheme }, floatingButton: { position: 'bottom-right' } },
  categories: {
    necessary: {},
    functional: {
      services: {
        video: {
          title: 'TubeVideo',
          provider: 'TubeVideo Ltd',
          policyUrl: 'https://tube.example/privacy',
          retention: '6 months',
          cookies: [{ name: 'tv_pref', purpose: 'Player settings', duration: '6 months' }],
        },
      },
    },
    analytics: { services: { stats: { cookies: ['_ga', '/^_ga_/'] } } },
    advertising: {},
  },
})

const content = `<nav><a href="#a">First link</a> <a href="#b">Second link</a></nav>
<iframe title="Product video" width="480" height="270" data-category="functional" data-service="video" data-src="/video.html"></iframe>`

let browser: Browser
let server: Site

beforeAll(async () => {
  browser = await launch()
  const routes: Record<string, string> = { '/video.html': '<!doctype html><title>video</title><p>video</p>' }
  for (const lang of ['en', 'ar'])
    for (const scheme of ['light', 'dark'] as const) routes[`/${lang}-${scheme}`] = page(config(lang, scheme), content).replace('lang="en"', `lang="${lang}"`)
  server = await site(routes)
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const p = await (await browser.newContext({ viewport })).newPage()
  await p.goto(server.origin + path)
  await expect.poll(() => banner(p).isVisible()).toBe(true)
  return p
}

const focused = (p: Page) => focusedAs(p, 'data-action', 'id')

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
  for (const lang of ['en', 'ar']) {
    for (const scheme of ['light', 'dark'] as const) {
      test(`${lang}, ${scheme}: banner, placeholder and preference centre have no violations`, async () => {
        const p = await open(`/${lang}-${scheme}`)
        await expect.poll(() => p.locator('[data-consentry-placeholder]').count()).toBe(1)
        expect(await violations(p)).toEqual([])
        await action(p, 'preferences').click()
        await expect.poll(() => p.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
        await p.locator('#consentry-root summary').first().click()
        expect(await violations(p)).toEqual([])
        if (lang === 'ar') expect(await p.locator('#consentry-root').getAttribute('dir')).toBe('rtl')
        await p.context().close()
      })
    }
  }
})

test('axe really looks inside the shadow root (a nameless button there is reported)', async () => {
  const p = await open('/en-light')
  await p.evaluate(() => {
    const b = document.createElement('button')
    b.id = 'nameless'
    document.getElementById('consentry-root')!.shadowRoot!.querySelector('.actions')!.append(b)
  })
  expect((await violations(p)).join('\n')).toContain('#nameless')
  await p.context().close()
})

describe('keyboard only', () => {
  test('Tab reaches Reject all and Enter refuses', async () => {
    const p = await open('/en-light')
    for (let i = 0; i < 20 && (await focused(p)) !== 'reject-all'; i++) await p.keyboard.press('Tab')
    expect(await focused(p)).toBe('reject-all')
    await p.keyboard.press('Enter')
    await expect.poll(() => p.evaluate(() => (window as any).Consentry.get().decided)).toBe(true)
    expect(await p.evaluate(() => (window as any).Consentry.get().categories.analytics)).toBe(false)
    await p.context().close()
  })

  test('open preferences, toggle analytics, save — focus trapped in the dialog and restored', async () => {
    const p = await open('/en-light')
    for (let i = 0; i < 20 && (await focused(p)) !== 'preferences'; i++) await p.keyboard.press('Tab')
    await p.keyboard.press('Enter')
    await expect.poll(() => focused(p)).toBe('DIV') // the dialog itself takes focus
    // Forward through every control and around: focus never leaves the dialog.
    const seen = new Set<string | null>()
    for (let i = 0; i < 30; i++) {
      await p.keyboard.press('Tab')
      const inside = await p.evaluate(() => {
        let el: Element | null = document.activeElement
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
        return !!el?.closest('[part~="preferences"]')
      })
      expect(inside).toBe(true)
      seen.add(await focused(p))
    }
    expect(seen).toContain('close')
    expect(seen).toContain('save')
    // Backwards from the first control wraps to the last.
    while ((await focused(p)) !== 'close') await p.keyboard.press('Tab')
    await p.keyboard.press('Shift+Tab')
    expect(await focused(p)).toBe('save')
    // Toggle analytics with the keyboard, then save.
    while ((await focused(p)) !== 'cs-cat-analytics') await p.keyboard.press('Tab')
    await p.keyboard.press('Space')
    while ((await focused(p)) !== 'save') await p.keyboard.press('Tab')
    await p.keyboard.press('Enter')
    await expect
      .poll(() => p.evaluate(() => (window as any).Consentry.get().categories))
      .toMatchObject({ analytics: true, advertising: false, functional: false })
    await p.context().close()
  })

  test('Escape closes the preference centre without granting anything and focus returns to its opener', async () => {
    const p = await open('/en-light')
    await action(p, 'preferences').focus()
    await p.keyboard.press('Enter')
    await expect.poll(() => p.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
    await p.keyboard.press('Escape')
    await expect.poll(() => p.locator('#consentry-root [part~="preferences"]').count()).toBe(0)
    expect(await focused(p)).toBe('preferences')
    expect(await p.evaluate(() => (window as any).Consentry.get())).toMatchObject({ decided: false, categories: { analytics: false } })
  })

  test("the floating button reopens the preference centre after a choice, in the banner's typeface", async () => {
    const p = await open('/en-light')
    const font = (el: Element) => getComputedStyle(el).font
    const bannerFont = await action(p, 'accept-all').evaluate(font)
    await action(p, 'accept-all').click()
    const floating = p.locator('#consentry-root [part~="floating-button"]')
    await expect.poll(() => floating.isVisible()).toBe(true)
    expect(await floating.textContent()).toBe('Privacy preferences')
    expect(await floating.evaluate(font)).toBe(bannerFont)
    await floating.click()
    await expect.poll(() => p.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
    await p.context().close()
  })
})

describe('small screens', () => {
  test('320 px wide: every control is visible and inside the viewport, no horizontal scrolling', async () => {
    const p = await open('/en-light', { width: 320, height: 640 })
    const inside = async () => {
      // The first layer's buttons are out of sight under the preference centre.
      const boxes = await p.locator('#consentry-root button:visible').evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect()
          return { left: r.left, right: r.right, width: r.width, height: r.height }
        }),
      )
      for (const b of boxes) {
        expect(b.left).toBeGreaterThanOrEqual(0)
        expect(b.right).toBeLessThanOrEqual(320)
        expect(b.height).toBeGreaterThanOrEqual(24) // WCAG 2.5.8 target size
      }
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
    }
    await inside()
    await action(p, 'preferences').click()
    await expect.poll(() => p.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
    await inside()
    await p.context().close()
  })
})

describe('embeds', () => {
  test('a blocked iframe shows a placeholder naming the service; "Always allow" loads it and records consent', async () => {
    const p = await open('/en-light')
    const ph = p.locator('[data-consentry-placeholder]')
    await expect.poll(() => ph.count()).toBe(1)
    expect(await ph.locator('h2').textContent()).toBe('Content from TubeVideo is blocked')
    const box = await ph.boundingBox()
    expect(box!.width).toBe(480)
    expect(box!.height).toBeGreaterThanOrEqual(270)
    await ph.getByRole('button', { name: 'Always allow TubeVideo' }).click()
    await expect.poll(() => p.locator('iframe').getAttribute('src')).toBe('/video.html')
    expect(await ph.count()).toBe(0)
    expect(await p.evaluate(() => (window as any).Consentry.get())).toMatchObject({ source: 'placeholder', services: { 'functional:video': true } })
  })

  test('"Load this once" loads the embed without changing consent', async () => {
    const p = await open('/en-light')
    await p.locator('[data-consentry-placeholder]').getByRole('button', { name: 'Load this once' }).click()
    await expect.poll(() => p.locator('iframe').getAttribute('src')).toBe('/video.html')
    expect(await p.evaluate(() => (window as any).Consentry.get().decided)).toBe(false)
  })
})

describe('blocking first layer (ui.blocking)', () => {
  test('is a modal dialog that takes focus and keeps Tab inside', async () => {
    server.routes.set('/blocking', page({ ui: { blocking: true } }, '<a href="#x">page link</a>'))
    const p = await (await browser.newContext()).newPage()
    await p.goto(server.origin + '/blocking')
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    expect(await banner(p).getAttribute('role')).toBe('dialog')
    expect(await banner(p).getAttribute('aria-modal')).toBe('true')
    await expect.poll(() => focused(p)).toBe('accept-all')
    for (let i = 0; i < 8; i++) {
      await p.keyboard.press('Tab')
      expect(['accept-all', 'reject-all', 'preferences']).toContain(await focused(p))
    }
    await p.context().close()
  })
})

describe('languages', () => {
  test('setLanguage("de") shows the German texts; pt-BR falls back to its own file', async () => {
    const p = await open('/en-light')
    await p.evaluate(() => (window as any).Consentry.setLanguage('de-AT'))
    await expect.poll(() => action(p, 'reject-all').textContent()).toBe('Alle ablehnen')
    expect(await p.locator('#consentry-root').getAttribute('lang')).toBe('de')
    await p.evaluate(() => (window as any).Consentry.setLanguage('pt-BR'))
    await expect.poll(() => p.locator('#consentry-root').getAttribute('lang')).toBe('pt-BR')
    await p.context().close()
  })
})

describe('focus not obscured (WCAG 2.4.11)', () => {
  /** A page of 40 links on its own route, open and with the bar showing. */
  async function longPage(route: string, width: number) {
    const links = Array.from({ length: 40 }, (_, i) => `<p><a href="#l${i}" id="l${i}">Link ${i}</a></p>`).join('')
    server.routes.set(route, page({}, links))
    const p = await (await browser.newContext({ viewport: { width, height: 600 } })).newPage()
    await p.goto(server.origin + route)
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    return p
  }

  /**
   * Tabs through the first 20 of the page's 40 links: each one, once focused, ends
   * above the bar. (The last ones cannot: the page ends before they could scroll clear.)
   */
  async function expectFocusClearOfBar(p: Page) {
    for (let links = 0; links < 20; ) {
      await p.keyboard.press('Tab')
      const [id, link, bar] = await p.evaluate(() => {
        const rect = (el: Element) => el.getBoundingClientRect().toJSON()
        return [
          document.activeElement!.id,
          rect(document.activeElement!),
          rect(document.getElementById('consentry-root')!.shadowRoot!.querySelector('.banner')!),
        ]
      })
      if (id === 'consentry-root') continue // the bar's own buttons
      expect(id).toBe(`l${links++}`)
      expect(link.bottom, `link ${id}`).toBeLessThanOrEqual(bar.top)
    }
  }

  test('tabbing to a link at the bottom of a long page scrolls it clear of the bar', async () => {
    const p = await longPage('/long', 800)
    await expectFocusClearOfBar(p)
    await p.context().close()
  })

  test('the clearance follows the bar when the window narrows and its buttons wrap', async () => {
    const p = await longPage('/long-narrow', 1000)
    const height = () => banner(p).evaluate((el) => el.getBoundingClientRect().height)
    const wide = await height()
    // The visitor starts with the keyboard, then the window narrows.
    await p.keyboard.press('Tab')
    await p.setViewportSize({ width: 320, height: 600 })
    await expect.poll(height).toBeGreaterThan(wide)
    await expect.poll(() => p.evaluate(() => parseFloat(document.documentElement.style.scrollPaddingBottom))).toBeGreaterThanOrEqual(Math.floor(await height()))
    await expectFocusClearOfBar(p)
    await p.context().close()
  })
})
