// The visitor's experience in real Chromium: readable colours for any accent in
// light and dark, one layer at a time, where focus goes, the page's language, and
// screenshots (test-results/experience/, gitignored) to look at.

import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { contrast } from '../../src/config/contrast.js'
import { action, banner, focusedAs, page, site, useChromium, whenReady } from './harness.js'

const categories = {
  necessary: {},
  functional: {
    services: { video: { title: 'TubeVideo', provider: 'TubeVideo Ltd', cookies: [{ name: 'tv_pref', purpose: 'Player settings', duration: '6 months' }] } },
  },
  analytics: { services: { stats: { title: 'SiteStats', description: 'Counts visits.', cookies: ['_ga', '/^_ga_/'] } } },
  advertising: {},
}

const themed = (theme: object) => page({ policyUrl: '/privacy', categories, ui: { theme, floatingButton: {} } }, '')

const t = useChromium(() =>
  site({
    '/auto-0b57d0': themed({ scheme: 'auto', accent: '#0b57d0' }),
    '/dark-c00000': themed({ scheme: 'dark', accent: '#c00000' }),
    '/light-ffeb3b': themed({ scheme: 'light', accent: '#ffeb3b' }),
    '/dark-white-bg': themed({ scheme: 'dark', background: '#ffffff' }),
    '/layers': page(
      { categories, ui: { floatingButton: {} } },
      '<button id="page-button">Cookie settings</button><a href="/privacy" data-consentry="preferences">Cookie settings</a>',
    ),
    '/de': page({ categories }, '').replace('lang="en"', 'lang="de"'),
    '/root-relative': page({ categories, language: { path: '/locales/' } }, '').replace('lang="en"', 'lang="fr"'),
    '/locales/fr.json': { body: readFileSync('locales/fr.json', 'utf8'), type: 'application/json' },
    '/cookies': page({ categories, translations: { en: { cookies: { tv_pref: { purpose: 'Keeps the player volume', duration: 'half a year' } } } } }, ''),
    '/rtl': page({ categories, ui: { floatingButton: {} } }, '<p>مرحبا</p>').replace('lang="en"', 'lang="ar"'),
  }),
)

const root = '#consentry-root'
const prefs = (p: Page) => p.locator(`${root} [part~="preferences"]`)

/** Opens the page and waits for the SDK; `dark` emulates a dark system setting. */
async function open(path: string, options: { dark?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  if (options.dark) await t.page.emulateMedia({ colorScheme: 'dark' })
  if (options.viewport) await t.page.setViewportSize(options.viewport)
  await t.page.goto(t.server.origin + path)
  await whenReady(t.page)
  return t.page
}

type Rgb = [number, number, number]

/**
 * The colours Chromium really paints, as sRGB bytes: each CSS colour (whatever its
 * syntax: rgb(), color(xyz-d65 …)) is drawn on a canvas and read back.
 */
async function painted(p: Page, selector: string, pseudo?: string): Promise<{ color: Rgb; background: Rgb; outline: Rgb }> {
  return p.evaluate(
    ([selector, pseudo]) => {
      const el = document.getElementById('consentry-root')!.shadowRoot!.querySelector(selector)!
      const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!
      const rgb = (css: string) => {
        ctx.clearRect(0, 0, 1, 1)
        ctx.fillStyle = css
        ctx.fillRect(0, 0, 1, 1)
        return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)] as Rgb
      }
      // The first ancestor with a background of its own is what the text sits on.
      let back: Element | null = el
      while (back && getComputedStyle(back).backgroundColor === 'rgba(0, 0, 0, 0)') back = back.parentElement
      const style = getComputedStyle(el, pseudo || null)
      return { color: rgb(style.color), background: rgb(getComputedStyle(back!, pseudo || null).backgroundColor), outline: rgb(style.outlineColor) }
    },
    [selector, pseudo ?? ''] as const,
  )
}

const ratio = (a: Rgb, b: Rgb) => Math.round(contrast(a, b) * 100) / 100

describe('contrast: every text on its background keeps 4.5:1 in the scheme shown, whatever the accent', () => {
  const cases = [
    { path: '/auto-0b57d0', dark: true, name: 'scheme auto, dark system, accent #0b57d0 (the demo)' },
    { path: '/dark-c00000', dark: false, name: 'scheme dark, accent #c00000' },
    { path: '/light-ffeb3b', dark: false, name: 'scheme light, accent #ffeb3b (yellow)' },
    { path: '/dark-white-bg', dark: false, name: 'scheme dark with a white background and no text colour' },
  ]
  for (const c of cases) {
    test(c.name, async () => {
      const p = await open(c.path, { dark: c.dark })
      const low: string[] = []
      const need = (what: string, fg: Rgb, bg: Rgb, min: number) => {
        const r = ratio(fg, bg)
        if (r < min) low.push(`${what}: rgb(${fg}) on rgb(${bg}) = ${r}:1 < ${min}:1`)
      }
      for (const selector of [
        '#cs-title',
        '#cs-desc',
        '[part~="link"]',
        '[data-action="accept-all"]',
        '[data-action="reject-all"]',
        '[data-action="preferences"]',
      ]) {
        const { color, background } = await painted(p, `[part~="banner"] ${selector}`)
        need(`banner ${selector}`, color, background, 4.5)
      }
      const bannerColours = await painted(p, '[part~="banner"]')
      need('focus ring on the banner', bannerColours.color, bannerColours.background, 3)
      await action(p, 'preferences').click()
      await expect.poll(() => prefs(p).isVisible()).toBe(true)
      for (const selector of ['#cs-prefs-title', '[data-action="save"]', '[data-action="accept-all"]', '[data-action="close"]', 'label']) {
        const { color, background } = await painted(p, `[part~="preferences"] ${selector}`)
        need(`preferences ${selector}`, color, background, 4.5)
      }
      // A switch that is on: its knob against the accent track (3:1, WCAG 1.4.11).
      await p.locator(`${root} #cs-cat-analytics`).check()
      const knob = await painted(p, '#cs-cat-analytics', '::before')
      const track = await painted(p, '#cs-cat-analytics')
      need('switch knob on its track', knob.background, track.background, 3)
      expect(low).toEqual([])
    })
  }

  test('the button text measured on the demo: white on the demo accent in dark mode, black on yellow', async () => {
    const dark = await painted(await open('/auto-0b57d0', { dark: true }), '[data-action="accept-all"]')
    expect(dark).toMatchObject({ color: [255, 255, 255], background: [11, 87, 208] })
    const yellow = await painted(await open('/light-ffeb3b'), '[data-action="accept-all"]')
    expect(yellow).toMatchObject({ color: [0, 0, 0], background: [255, 235, 59] })
  })
})

const focused = (p: Page) => focusedAs(p, 'part', 'id')

describe('one layer at a time', () => {
  test('under the open preference centre the banner is out of sight, out of the tab order and cannot be clicked; closing brings it back', async () => {
    const p = await open('/layers')
    const box = (await banner(p).locator('[data-action="accept-all"]').boundingBox())!
    await action(p, 'preferences').click()
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    expect(await banner(p).isVisible()).toBe(false)
    // Only one set of choices on screen, and nothing of the banner's under the pointer.
    expect(await p.locator(`${root} [data-action="accept-all"]:visible`).count()).toBe(1)
    const under = await p.evaluate(
      ([x, y]) => document.getElementById('consentry-root')!.shadowRoot!.elementFromPoint(x, y)?.closest('[part~="banner"]') ?? null,
      [box.x + box.width / 2, box.y + box.height / 2],
    )
    expect(under).toBe(null)
    const seen = new Set<string | null>()
    for (let i = 0; i < 25; i++) {
      await p.keyboard.press('Tab')
      seen.add(
        await p.evaluate(() => {
          let el: Element | null = document.activeElement
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
          return el?.closest('[part~="banner"]') ? 'banner' : 'elsewhere'
        }),
      )
    }
    expect(seen).toEqual(new Set(['elsewhere']))
    await p.keyboard.press('Escape')
    await expect.poll(() => prefs(p).count()).toBe(0)
    expect(await banner(p).isVisible()).toBe(true)
    await action(p, 'reject-all').first().click()
    expect(await p.evaluate(() => (window as any).Consentry.get().decided)).toBe(true)
  })
})

describe('focus: opening the centre draws no ring round the dialog; closing returns to the opener', () => {
  const dialogOutline = (p: Page) => prefs(p).evaluate((el) => getComputedStyle(el).outlineStyle)

  test('by keyboard from the banner: no ring round the dialog; Escape returns to "Manage preferences"', async () => {
    const p = await open('/layers')
    for (let i = 0; i < 20 && (await focused(p)) !== 'button show-preferences'; i++) await p.keyboard.press('Tab')
    await p.keyboard.press('Enter')
    await expect.poll(() => focused(p)).toBe('preferences') // the dialog
    expect(await dialogOutline(p)).toBe('none')
    await p.keyboard.press('Escape')
    await expect.poll(() => prefs(p).count()).toBe(0)
    expect(await focused(p)).toBe('button show-preferences')
  })

  // Every opener with every way of closing: test/browser/focus-return.test.ts.

  test('from a data-consentry="preferences" link and from showPreferences() on a page button: focus returns to each', async () => {
    const p = await open('/layers')
    await action(p, 'accept-all').click()
    await p.locator('a[data-consentry="preferences"]').focus()
    await p.keyboard.press('Enter')
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    expect(await dialogOutline(p)).toBe('none')
    await p.keyboard.press('Escape')
    await expect.poll(() => prefs(p).count()).toBe(0)
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-consentry'))).toBe('preferences')

    await p.evaluate(() => document.getElementById('page-button')!.addEventListener('click', () => (window as any).Consentry.showPreferences()))
    await p.locator('#page-button').focus()
    await p.keyboard.press('Enter')
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    expect(await dialogOutline(p)).toBe('none')
    await prefs(p).locator('[data-action="close"]').click()
    await expect.poll(() => prefs(p).count()).toBe(0)
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('page-button')
  })
})

describe("the page's language", () => {
  test('<html lang="de"> shows German with no language config, and a later lang="fr" switches the UI to French', async () => {
    const p = await open('/de')
    await expect.poll(() => banner(p).locator('[data-action="accept-all"]').textContent()).toBe('Alle akzeptieren')
    await p.evaluate(() => document.documentElement.setAttribute('lang', 'fr'))
    await expect.poll(() => banner(p).locator('[data-action="accept-all"]').textContent()).toBe('Tout accepter')
    expect(await p.locator(root).getAttribute('lang')).toBe('fr')
  })

  test('a root-relative language.path ("/locales/") loads the locale from the site root', async () => {
    const messages: string[] = []
    t.page.on('console', (m) => messages.push(m.text()))
    const p = await open('/root-relative')
    await expect.poll(() => banner(p).locator('[data-action="accept-all"]').textContent()).toBe('Tout accepter')
    expect(t.server.requests).toContain('/locales/fr.json')
    expect(messages.filter((m) => m.includes('Invalid'))).toEqual([])
  })
})

describe('cookie tables', () => {
  test('on a 375 px phone: stacked rows, "_ga_*" for /^_ga_/, the consent cookie under Necessary, translated fields', async () => {
    const p = await open('/cookies', { viewport: { width: 375, height: 740 } })
    await action(p, 'preferences').click()
    await expect.poll(() => prefs(p).isVisible()).toBe(true)
    for (const summary of await p.locator(`${root} summary`).all()) await summary.click()
    const tables = await prefs(p)
      .locator('table')
      .evaluateAll((els) =>
        els.map((table) => ({
          category: table.closest('[part~="category"]')!.querySelector('label')!.textContent,
          wide: table.getBoundingClientRect().right > innerWidth,
          rows: [...table.querySelectorAll('tbody tr')].map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => `${getComputedStyle(td, '::before').content.replace(/"/g, '')}: ${td.textContent}`),
          ),
          headerShown: getComputedStyle(table.querySelector('thead')!).display !== 'none',
        })),
      )
    expect(tables).toEqual([
      {
        category: 'Necessary',
        wide: false,
        headerShown: false,
        rows: [['Name: consentry', 'Provider: 127.0.0.1', 'Purpose: Remembers your privacy choices', 'Duration: 182 days']],
      },
      {
        category: 'Functional',
        wide: false,
        headerShown: false,
        rows: [['Name: tv_pref', 'Provider: TubeVideo Ltd', 'Purpose: Keeps the player volume', 'Duration: half a year']],
      },
      {
        category: 'Analytics',
        wide: false,
        headerShown: false,
        rows: [
          ['Name: _ga', 'Provider: ', 'Purpose: ', 'Duration: '],
          ['Name: _ga_*', 'Provider: ', 'Purpose: ', 'Duration: '],
        ],
      },
    ])
  })
})

describe('screenshots (test-results/experience/*.png, to look at)', () => {
  const dir = join('test-results', 'experience')
  mkdirSync(dir, { recursive: true })
  const shots = [
    { name: 'light-desktop', path: '/auto-0b57d0', dark: false, viewport: { width: 1280, height: 800 } },
    { name: 'dark-desktop', path: '/auto-0b57d0', dark: true, viewport: { width: 1280, height: 800 } },
    { name: 'rtl-desktop', path: '/rtl', dark: false, viewport: { width: 1280, height: 800 } },
    { name: 'phone', path: '/auto-0b57d0', dark: false, viewport: { width: 375, height: 740 } },
    { name: 'phone-dark-yellow', path: '/light-ffeb3b', dark: true, viewport: { width: 375, height: 740 } },
  ]
  test('light, dark, RTL and 375 px phone: on each, the preference centre keeps Save on screen without scrolling', async () => {
    for (const s of shots) {
      const p = await open(s.path, s)
      await p.screenshot({ path: join(dir, `${s.name}-banner.png`) })
      await action(p, 'preferences').click()
      await expect.poll(() => prefs(p).isVisible()).toBe(true)
      await p.locator(`${root} summary`).first().click()
      await p.screenshot({ path: join(dir, `${s.name}-preferences.png`) })
      const save = (await prefs(p).locator('[data-action="save"]').boundingBox())!
      expect(save.y + save.height, s.name).toBeLessThanOrEqual(s.viewport.height)
      await p.emulateMedia({ colorScheme: 'light' })
    }
  })
})
