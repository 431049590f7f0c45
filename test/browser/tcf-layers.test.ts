import { readFileSync } from 'node:fs'
import { TCString } from '@iabtechlabtcf/core'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, axeViolations as violations, banner, focusedAs, page, site, useChromium, whenReady } from './harness.js'
import { matchesBaseline } from './screenshot.js'

// The TCF layers in real Chromium: axe-core finds nothing on the first layer with its TCF
// block nor on the second layer; the keyboard alone opens the second layer, moves a switch,
// wraps at both ends, closes with Escape (focus back on the opener) and saves. Both layers,
// and the preference centre with the TCF chunk's sheet beside its own, match the committed
// pictures in test/browser/baselines/tcf-*.png (UPDATE_SCREENSHOTS=1 rewrites them): the TCF
// chunk's size work must not move a pixel.

const gvl = readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')
const config = { region: 'DE', tcf: { cmpId: 300, vendorList: '/gvl/vendor-list.json', vendors: 'all', publisherCountryCode: 'DE' } }

/** A page in the given scheme with the system font and a little room, as test/browser/layouts.test.ts draws. */
const styled = (scheme: 'light' | 'dark') =>
  page(
    { ...config, ui: { theme: { scheme } } },
    '<p>Outdoor gear for every season: tents, backpacks and boots, tested on the trail.</p>',
    '',
    '/dist/consentry-tcf.iife.js',
  ).replace('</head>', '<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:24px 32px}</style></head>')

const s = useChromium(() =>
  site({
    '/': page(config, '', '', '/dist/consentry-tcf.iife.js'),
    '/light': styled('light'),
    '/dark': styled('dark'),
    '/gvl/vendor-list.json': { body: gvl, type: 'application/json' },
  }),
)

const focused = (p: Page) => focusedAs(p, 'data-action', 'part')

describe('TCF layers in Chromium', () => {
  test('axe-core finds nothing on either layer; the keyboard alone opens, wraps, closes and saves', async () => {
    const p = s.page
    await p.goto(s.server.url)
    const open = action(p, 'tcf')
    await expect.poll(() => open.count()).toBe(1)
    // The first layer: the partner count and Reject all beside Accept all.
    const vendors = Object.values(JSON.parse(gvl).vendors as Record<string, { deletedDate?: string }>).filter((v) => !v.deletedDate).length
    expect(await banner(p).textContent()).toContain(`We and our ${vendors} partners`)
    expect(await action(p, 'reject-all').isVisible()).toBe(true)
    expect(await violations(p)).toEqual([])

    // Keyboard: Tab until "Purposes and partners", Enter.
    for (let i = 0; i < 10 && (await focused(p)) !== 'tcf'; i++) await p.keyboard.press('Tab')
    expect(await focused(p)).toBe('tcf')
    await p.keyboard.press('Enter')
    const dialog = p.locator('#consentry-root [part~="tcf-preferences"]')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await focused(p)).toBe('tcf-preferences')
    // One layer at a time: the first layer is out of sight.
    expect(await banner(p).isVisible()).toBe(false)
    expect(await violations(p)).toEqual([])
    // Tab wraps at both ends: Shift+Tab from the dialog goes to its last control (Save), Tab from there to ✕.
    await p.keyboard.press('Shift+Tab')
    expect(await focused(p)).toBe('save')
    await p.keyboard.press('Tab')
    expect(await focused(p)).toBe('close')
    await p.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(await focused(p)).toBe('tcf')
    expect(await banner(p).isVisible()).toBe(true)

    // Open again, switch purpose 1 on with the keyboard (Space), save with the keyboard.
    await p.keyboard.press('Enter')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await dialog.locator('input[data-list="purposeConsents"][data-id="1"]').focus()
    await p.keyboard.press('Space')
    await dialog.locator('[data-action="save"]').focus()
    await p.keyboard.press('Enter')
    await expect.poll(() => dialog.count()).toBe(0)
    const tcString = await p.evaluate(
      () => new Promise<string>((done) => (window as any).__tcfapi('addEventListener', 2, (d: { tcString: string }) => done(d.tcString))),
    )
    const tc = TCString.decode(tcString)
    expect(tc.purposeConsents.has(1)).toBe(true)
    expect(tc.purposeConsents.has(2)).toBe(false)
    expect(s.errors).toEqual([])
  })

  test('the first layer, the second layer (top, and a partner opened) and the preference centre match their baselines', { timeout: 240_000 }, async () => {
    const p = s.page
    const failures: string[] = []
    const dialog = p.locator('#consentry-root [part~="tcf-preferences"]')
    const prefs = p.locator('#consentry-root [part~="preferences"]')
    const check = async (name: string) => {
      // At rest, as a pointer leaves it; once the page's fonts are in.
      await p.mouse.move(0, 0)
      await p.evaluate(() => document.fonts.ready.then(() => undefined))
      const message = await matchesBaseline(s.browser, p, name)
      if (message) failures.push(message)
    }
    for (const [scheme, viewport] of [
      ['light', { width: 1280, height: 800 }],
      ['dark', { width: 1280, height: 800 }],
      ['light', { width: 375, height: 740 }],
    ] as const) {
      const device = viewport.width > 500 ? 'desktop' : 'phone'
      await p.setViewportSize(viewport)
      await p.goto(`${s.server.origin}/${scheme}`)
      await whenReady(p)
      await expect.poll(() => action(p, 'tcf').count()).toBe(1)
      await check(`tcf-first-${scheme}-${device}`)
      await action(p, 'tcf').click()
      await expect.poll(() => dialog.isVisible()).toBe(true)
      await check(`tcf-second-${scheme}-${device}`)
      // A partner's details (the grid of labels and values) and a purpose's, scrolled into view.
      await dialog.locator('[part~="tcf-vendor"] summary').first().click()
      await dialog.locator('.tcf-item summary').first().click()
      await dialog.locator('[part~="tcf-vendor"] dl').first().scrollIntoViewIfNeeded()
      await check(`tcf-partner-${scheme}-${device}`)
      if (device === 'phone') continue
      // The preference centre, its sheet after the TCF chunk's, with the way to the TCF layer.
      await action(p, 'close').click()
      await expect.poll(() => dialog.count()).toBe(0)
      await action(p, 'preferences').click()
      await expect.poll(() => prefs.isVisible()).toBe(true)
      await expect.poll(() => prefs.locator('[data-action="tcf"]').count()).toBe(1)
      await check(`tcf-preferences-${scheme}-${device}`)
    }
    expect(failures).toEqual([])
    expect(s.errors).toEqual([])
  })
})
