// The config's check (consentry-check.js, src/lazy/check.ts) is not on the way to the first
// paint: the banner draws while it loads, nothing optional runs before its verdict, and a
// returning visitor's page view of the same config, or any view of a config stamped by
// `consentry validate --stamp`, does not fetch it at all.
import type { Route } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { stamp } from '../bench/browser-pages.mjs'
import { action, banner, gateSettled, page, ran, site, useChromium, whenReady } from './harness.js'

const categories = { necessary: {}, analytics: {} }
const gated = `<script type="text/plain" data-category="analytics">window.ran.push('analytics')</script>`
const CHECK = '/dist/consentry-check.js'

const t = useChromium(() =>
  site({
    '/opt-out': page({ mode: 'opt-out', categories }, gated),
    '/opt-in': page({ categories }, gated),
    '/opt-in-changed': page({ categories, policyUrl: '/privacy' }, gated),
    '/stamped': page(stamp({ mode: 'opt-out', categories, policyUrl: '/stamped' }), gated),
    // A TCF config, stamped, under the plain build's tag instead of consentry-tcf.iife.js.
    '/stamped-tcf': page(stamp({ mode: 'opt-out', categories, tcf: { cmpId: 300, vendorList: '/gvl/vendor-list.json' } }), gated),
  }),
)

const checks = () => t.server.requests.filter((path) => path === CHECK).length
const has = (name: string) => t.page.evaluate((n) => (window as unknown as { Consentry: { has(n: string): boolean } }).Consentry.has(n), name)

describe('the config check, off the first view', () => {
  test('the banner is up while the check is on its way; an opt-out script waits for its verdict, then runs', async () => {
    const held = new Promise<Route>((resolve) => void t.page.route('**/consentry-check.js', resolve))
    // The check is a script the SDK inserts: held, it holds the load event too.
    await t.page.goto(t.server.origin + '/opt-out', { waitUntil: 'domcontentloaded' })
    const route = await held
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual([])
    expect(await has('analytics')).toBe(false)

    await route.continue()
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(await has('analytics')).toBe(true)
    await t.page.unroute('**/consentry-check.js')
    expect(t.errors).toEqual([])
  })

  test("a returning visitor's page view of the same config applies the stored choice without fetching the check; a changed config is checked once", async () => {
    const first = checks()
    await t.page.goto(t.server.origin + '/opt-in')
    await whenReady(t.page)
    expect(checks()).toBe(first + 1)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])

    await t.page.goto(t.server.origin + '/opt-in')
    await whenReady(t.page)
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(checks()).toBe(first + 1)

    // The site changed its config: one check, and the cookie vouches for the new config after it.
    await t.page.goto(t.server.origin + '/opt-in-changed')
    await whenReady(t.page)
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(checks()).toBe(first + 2)
    await t.page.goto(t.server.origin + '/opt-in-changed')
    await whenReady(t.page)
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    expect(checks()).toBe(first + 2)
    expect(await banner(t.page).count()).toBe(0)
    expect(t.errors).toEqual([])
  })

  test('a config stamped by the CLI: a first visit fetches no check, and an opt-out script runs at once', async () => {
    const first = checks()
    await t.page.goto(t.server.origin + '/stamped')
    await expect.poll(() => ran(t.page)).toEqual(['analytics'])
    await whenReady(t.page)
    expect(await banner(t.page).isVisible()).toBe(true)
    expect(checks()).toBe(first)
    expect(t.errors).toEqual([])
  })

  test("a stamped TCF config under the plain build's tag: the stamp does not vouch there, and the check fails it closed", async () => {
    const messages: string[] = []
    const listen = (m: { type(): string; text(): string }) => void (m.type() === 'error' && messages.push(m.text()))
    t.page.on('console', listen)
    const first = checks()
    await t.page.goto(t.server.origin + '/stamped-tcf')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await gateSettled(t.page)
    t.page.off('console', listen)
    expect(await ran(t.page)).toEqual([])
    expect(messages.join('\n')).toContain('  tcf: unknown key')
    expect(checks()).toBe(first + 1)
    expect(t.errors).toEqual([])
  })
})
