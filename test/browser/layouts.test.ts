// The layouts (ui.layout, ui.position, docs/design-system.md) in real Chromium: each one in
// light and dark, left-to-right and right-to-left, on a desktop and a phone, compared with the
// committed pictures in test/browser/baselines/ (UPDATE_SCREENSHOTS=1 rewrites them), with
// axe-core on every one and with four accents that test the derived colours; the phone
// banner's height; flipped buttons; crawlers.

import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, axeViolations, banner, gateSettled, page, ran, site, useChromium, whenReady } from './harness.js'
import { difference, matchesBaseline } from './screenshot.js'

const categories = {
  necessary: {},
  functional: {
    services: { video: { title: 'TubeVideo', provider: 'TubeVideo Ltd', cookies: [{ name: 'tv_pref', purpose: 'Player settings', duration: '6 months' }] } },
  },
  analytics: { services: { stats: { title: 'SiteStats', cookies: ['_ga', '/^_ga_/'] } } },
  advertising: {},
}

const LAYOUTS = ['bar', 'box', 'cloud'] as const
const SCHEMES = ['light', 'dark'] as const
const DIRS = { ltr: 'en', rtl: 'ar' } as const
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 375, height: 740 } } as const
const ACCENTS = ['#0b57d0', '#c00000', '#ffeb3b', '#111111']

/** A plain page of the kind a banner sits on, in the page's language and direction. */
const body = (lang: string) =>
  lang === 'ar'
    ? '<p>متجر أدوات التخييم والرحلات. اكتشف الخيام وحقائب الظهر والأحذية لكل موسم.</p>'
    : '<p>Outdoor gear for every season: tents, backpacks and boots, tested on the trail.</p>'

const layoutPage = (lang: string, ui: object) => {
  const html = page({ policyUrl: '/privacy', categories, ui }, body(lang)).replace('lang="en"', `lang="${lang}"${lang === 'ar' ? ' dir="rtl"' : ''}`)
  // The page's own look: the system font the demo uses, and a little room.
  return html.replace('</head>', '<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:24px 32px}</style></head>')
}

const routes: Record<string, string> = {}
for (const layout of LAYOUTS) {
  for (const scheme of SCHEMES) for (const lang of Object.values(DIRS)) routes[`/${layout}-${scheme}-${lang}`] = layoutPage(lang, { layout, theme: { scheme } })
  for (const accent of ACCENTS)
    for (const scheme of SCHEMES) routes[`/${layout}-${scheme}-accent-${accent.slice(1)}`] = layoutPage('en', { layout, theme: { scheme, accent } })
  for (const lang of ['en', 'de']) routes[`/${layout}-light-${lang}`] ??= layoutPage(lang, { layout, theme: { scheme: 'light' } })
  routes[`/${layout}-flipped`] = layoutPage('en', { layout, flipButtons: true })
}
routes['/bot'] = page(
  { categories },
  '<script type="text/plain" data-category="analytics">window.ran.push("analytics")</script><script type="text/plain" data-category="necessary">window.ran.push("necessary")</script>',
)

const t = useChromium(() => site(routes))

async function open(path: string, viewport: { width: number; height: number } = DEVICES.desktop): Promise<Page> {
  await t.page.setViewportSize(viewport)
  await t.page.goto(t.server.origin + path)
  await whenReady(t.page)
  await expect.poll(() => banner(t.page).isVisible()).toBe(true)
  // Pictures are taken once the page's fonts are in.
  await t.page.evaluate(() => document.fonts.ready.then(() => undefined))
  return t.page
}

const prefs = (p: Page) => p.locator('#consentry-root [part~="preferences"]')

async function openPreferences(p: Page): Promise<void> {
  await action(p, 'preferences').click()
  await expect.poll(() => prefs(p).isVisible()).toBe(true)
  // The open dialog has focus; the pictures show it at rest, as a pointer leaves it.
  await p.mouse.move(0, 0)
}

describe('every layout × light/dark × ltr/rtl × desktop/phone matches its baseline, with no axe violation', () => {
  for (const layout of LAYOUTS)
    for (const scheme of SCHEMES)
      for (const [dir, lang] of Object.entries(DIRS))
        test(`${layout}, ${scheme}, ${dir}`, async () => {
          const failures: string[] = []
          for (const [device, viewport] of Object.entries(DEVICES)) {
            const p = await open(`/${layout}-${scheme}-${lang}`, viewport)
            const message = await matchesBaseline(t.browser, p, `${layout}-${scheme}-${dir}-${device}`)
            if (message) failures.push(message)
            // The first layer fits the screen with its choices in view.
            const box = (await banner(p).boundingBox())!
            expect(box.x, `${layout} ${device}`).toBeGreaterThanOrEqual(0)
            expect(box.x + box.width, `${layout} ${device}`).toBeLessThanOrEqual(viewport.width)
            for (const name of ['accept-all', 'reject-all', 'preferences']) {
              const button = (await action(p, name).boundingBox())!
              expect(button.y + button.height, `${layout} ${device} ${name}`).toBeLessThanOrEqual(viewport.height)
            }
            expect(await axeViolations(p)).toEqual([])
            // docs/design-system.md's pictures: the desktop layer in light, dark and RTL, cropped to it.
            if (device === 'desktop' && (scheme === 'light' || dir === 'ltr')) {
              const clip = { x: Math.max(0, box.x - 16), y: Math.max(0, box.y - 16), width: 0, height: 0 }
              clip.width = Math.min(viewport.width, box.x + box.width + 16) - clip.x
              clip.height = Math.min(viewport.height, box.y + box.height + 16) - clip.y
              const message = await matchesBaseline(t.browser, p, join('docs', 'img', `${layout}-${scheme}-${dir}.png`), { clip })
              if (message) failures.push(message)
            }
            // The preference centre, once per scheme, direction and device (it has one look whatever the layout).
            if (layout === 'bar') {
              await openPreferences(p)
              const message = await matchesBaseline(t.browser, p, `preferences-${scheme}-${dir}-${device}`)
              if (message) failures.push(message)
              expect(await axeViolations(p)).toEqual([])
            }
          }
          expect(failures).toEqual([])
        })
})

describe('axe-core finds nothing with any accent, light or dark (text on the accent and on its tonal mix is white or black)', () => {
  for (const layout of LAYOUTS)
    test(layout, async () => {
      const found: string[] = []
      for (const accent of ACCENTS)
        for (const scheme of SCHEMES) {
          const p = await open(`/${layout}-${scheme}-accent-${accent.slice(1)}`)
          for (const v of await axeViolations(p)) found.push(`${accent} ${scheme} banner: ${v}`)
          if (layout === 'box') {
            await openPreferences(p)
            for (const v of await axeViolations(p)) found.push(`${accent} ${scheme} preferences: ${v}`)
          }
        }
      expect(found).toEqual([])
    })
})

test('the comparison fails on a real visual change: another accent, or the banner moved by 4 px', async () => {
  const p = await open('/box-light-en')
  expect(await matchesBaseline(t.browser, p, 'box-light-ltr-desktop', { compareOnly: true })).toBeUndefined()
  await p.evaluate(() => document.getElementById('consentry-root')!.style.setProperty('--cs-accent', '#0b8043'))
  expect(await matchesBaseline(t.browser, p, 'box-light-ltr-desktop', { compareOnly: true })).toMatch(/pixels differ/)
  await p.evaluate(() => {
    const root = document.getElementById('consentry-root')!
    root.style.removeProperty('--cs-accent')
    ;(root.shadowRoot!.querySelector('[part~=banner]') as HTMLElement).style.translate = '0 -4px'
  })
  expect(await matchesBaseline(t.browser, p, 'box-light-ltr-desktop', { compareOnly: true })).toMatch(/pixels differ/)
  // And a picture of another size differs everywhere.
  const small = await p.screenshot({ clip: { x: 0, y: 0, width: 10, height: 10 } })
  expect((await difference(t.browser, small, await p.screenshot(), 32)).changed).toBe(1280 * 800)
})

describe('on a 375 × 740 phone the first layer takes at most 40 % of the screen, its choices in view', () => {
  for (const layout of LAYOUTS)
    for (const lang of ['en', 'de'])
      test(`${layout}, ${lang}`, async () => {
        const p = await open(`/${layout}-light-${lang}`, DEVICES.phone)
        const box = (await banner(p).boundingBox())!
        expect(box.height / DEVICES.phone.height).toBeLessThanOrEqual(0.4)
        for (const name of ['accept-all', 'reject-all', 'preferences']) {
          const button = (await action(p, name).boundingBox())!
          expect(button.y, name).toBeGreaterThanOrEqual(box.y)
          expect(button.y + button.height, name).toBeLessThanOrEqual(DEVICES.phone.height)
        }
        // The text that does not fit scrolls inside the layer: none of it is cut off for good.
        const text = p.locator('#consentry-root [part~="banner"] .text')
        const scroll = await text.evaluate((el) => ({ scrollable: el.scrollHeight - el.clientHeight, overflow: getComputedStyle(el).overflowY }))
        if (scroll.scrollable > 0) expect(scroll.overflow).toBe('auto')
      })
})

test('ui.flipButtons: Reject all comes first, on screen and for Tab, in every layout', async () => {
  for (const layout of LAYOUTS) {
    const p = await open(`/${layout}-flipped`)
    const reject = (await action(p, 'reject-all').boundingBox())!
    const accept = (await action(p, 'accept-all').boundingBox())!
    // Before: to its left in the same row, or above it.
    expect(reject.y < accept.y || (reject.y === accept.y && reject.x < accept.x), layout).toBe(true)
    // The DOM order is the order Tab and a screen reader follow.
    expect(
      await banner(p)
        .locator('button')
        .evaluateAll((list) => list.map((b) => b.getAttribute('data-action'))),
      layout,
    ).toEqual(['reject-all', 'accept-all', 'preferences'])
  }
})

describe('ui.hideFromBots', () => {
  test('a crawler gets no banner, and nothing optional runs for it', async () => {
    const context = await t.browser.newContext({ userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })
    const p = await context.newPage()
    await p.goto(t.server.origin + '/bot')
    // The UI's host is mounted (empty) once the SDK has drawn its first view.
    await p.locator('#consentry-root').waitFor({ state: 'attached' })
    await gateSettled(p)
    expect(await p.locator('#consentry-root [part~="banner"]').count()).toBe(0)
    expect(await ran(p)).toEqual(['necessary'])
    await context.close()
  })

  test('a browser under automation (navigator.webdriver) with a browser user agent sees it', async () => {
    await t.page.goto(t.server.origin + '/bot')
    await whenReady(t.page)
    expect(await t.page.evaluate(() => navigator.webdriver)).toBe(true)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
  })
})
