// Keyboard: every way of opening the preference centre gets focus back on every way of
// closing it (WCAG 2.4.3; docs/architecture.md, "One layer at a time"). All by keyboard, in
// real Chromium: the opener is focused and Enter pressed; the centre is closed by Escape or by
// Enter on ×, Save choices, Accept all or Reject all.

import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, focusedAs, page, site, useChromium, whenReady } from './harness.js'

const categories = { necessary: {}, analytics: {}, advertising: {} }
const pageButton = `<button id="page-button">Privacy</button>
<script>document.getElementById('page-button').addEventListener('click', () => Consentry.showPreferences())</script>`

const t = useChromium(() =>
  site({
    '/plain': page({ categories }, pageButton),
    '/own-link': page({ categories }, '<footer><a id="page-link" href="/privacy" data-consentry="preferences">Cookie settings</a></footer>'),
  }),
)

const root = '#consentry-root'
const prefs = (p: Page) => p.locator(`${root} [part~="preferences"]`)
/** The focused element: its id (page elements), else its part (Consentry's own). */
const focused = (p: Page) => focusedAs(p, 'id', 'part')

interface Opener {
  name: string
  path: string
  /** Brings the page to where the opener is, and returns it. */
  ready(p: Page): Promise<ReturnType<Page['locator']>>
  /** Where focus belongs after a close that decided nothing, and after one that decided. */
  back: string
  backAfterDecision: string
}

const openers: Opener[] = [
  {
    name: '"Manage preferences" on the first layer',
    path: '/plain',
    ready: async (p) => action(p, 'preferences'),
    back: 'button show-preferences',
    // A decision takes the first layer away; the floating button is the way back that replaces it.
    backAfterDecision: 'button floating-button',
  },
  {
    name: 'a data-consentry="preferences" link of the page',
    path: '/own-link',
    ready: async (p) => p.locator('#page-link'),
    back: 'page-link',
    backAfterDecision: 'page-link',
  },
  {
    name: 'showPreferences() from a button of the page',
    path: '/plain',
    ready: async (p) => p.locator('#page-button'),
    back: 'page-button',
    backAfterDecision: 'page-button',
  },
  {
    name: 'the floating button',
    path: '/plain',
    ready: async (p) => {
      await p.evaluate(() => (window as any).Consentry.rejectAll())
      const floating = p.locator(`${root} [part~="floating-button"]`)
      await expect.poll(() => floating.isVisible()).toBe(true)
      return floating
    },
    back: 'button floating-button',
    backAfterDecision: 'button floating-button',
  },
]

const closers = [
  { name: 'Escape', decides: false },
  { name: 'close', decides: false },
  { name: 'save', decides: true },
  { name: 'accept-all', decides: true },
  { name: 'reject-all', decides: true },
] as const

describe('focus returns to the opener of the preference centre', () => {
  for (const opener of openers) {
    for (const closer of closers) {
      test(`opened from ${opener.name}, closed with ${closer.name}`, async () => {
        const p = t.page
        await p.goto(t.server.origin + opener.path)
        await whenReady(p)
        const target = await opener.ready(p)
        await target.focus()
        await p.keyboard.press('Enter')
        await expect.poll(() => prefs(p).isVisible()).toBe(true)
        // Focus is in the dialog, with no ring drawn round the whole of it.
        expect(await focused(p)).toBe('preferences')
        expect(await prefs(p).evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('none')
        if (closer.name === 'Escape') await p.keyboard.press('Escape')
        else {
          await prefs(p).locator(`[data-action="${closer.name}"]`).focus()
          await p.keyboard.press('Enter')
        }
        await expect.poll(() => prefs(p).count()).toBe(0)
        await expect.poll(() => focused(p)).toBe(closer.decides ? opener.backAfterDecision : opener.back)
        expect(t.errors).toEqual([])
      })
    }
  }
})
