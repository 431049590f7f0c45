// The script tag without auto-blocking may be loaded async, defer, as a module script or by
// the after-paint loader (README, "Loading modes"): gated markup still waits for consent,
// Consent Mode defaults still reach the dataLayer before a gated Google tag, and the chunks
// and locales still come from the tag's folder.
import { describe, expect, test } from 'vitest'
import { afterPaintLoader } from '../bench/browser-pages.mjs'
import { action, banner, type Route, site, useChromium, whenReady } from './harness.js'

const config = { google: { consentMode: true }, categories: { necessary: { required: true }, analytics: {} } }

/**
 * The tag in `attrs` mode at the end of <head>, after the page's own inline script; a German page.
 * `nonce` goes on every script the page has (the README's loader gives it to the SDK's tag).
 */
const page = (attrs: string, how: 'inline' | 'url', nonce = '') => `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Article</title>
<script${nonce}>window.ran = []</script>
${how === 'inline' ? `<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>` : ''}
${
  attrs === 'after-paint'
    ? afterPaintLoader(process.cwd(), '/dist/consentry.iife.js', how === 'url' ? 'data-config="/consent.json"' : '').replace('<script ', `<script${nonce} `)
    : `<script ${attrs} src="/dist/consentry.iife.js"${how === 'url' ? ' data-config="/consent.json"' : ''}></script>`
}</head>
<body><main><h1>Article</h1><p>Text.</p></main>
<script type="text/plain" data-category="analytics">window.ran.push(window.dataLayer.map((e) => e.event ? 'event' : e[0] + ' ' + e[1]).join(', '))</script>
</body></html>`

const MODES = { async: 'async', defer: 'defer', module: 'type="module"', 'after-paint': 'after-paint' }
const routes: Record<string, Route> = { '/consent.json': JSON.stringify(config) }
for (const [name, attrs] of Object.entries(MODES)) {
  routes[`/${name}-inline`] = page(attrs, 'inline')
  routes[`/${name}-url`] = page(attrs, 'url')
}
// Under a nonce CSP: only scripts with the nonce run, so the SDK runs only if the loader gave it
// its nonce, and a released inline script only if the SDK passed the nonce on.
// A long page: its first paint comes while the parser waits for a slow script at the end of
// <body>, so the first contentful paint precedes DOMContentLoaded by about a second.
routes['/after-paint-slow'] = page('after-paint', 'inline').replace('</body>', '<script src="/slow.js"></script></body>')
routes['/slow.js'] = { body: 'window.slow = true', type: 'text/javascript', delay: 1000 }
routes['/after-paint-csp'] = {
  body: page('after-paint', 'inline', ' nonce="n0nce"'),
  headers: { 'content-security-policy': "script-src 'nonce-n0nce'; connect-src 'self'" },
}

const t = useChromium(() => site(routes))
const ran = () => t.page.evaluate(() => (window as unknown as { ran: string[] }).ran)

describe.each(Object.keys(MODES))('the script tag loaded as %s', (mode) => {
  test.each(['inline', 'url'])(
    'with the config %s: German banner, nothing optional before consent, Consent Mode defaults before the gated tag, the preference centre from the tag folder',
    async (how) => {
      await t.page.goto(`${t.server.origin}/${mode}-${how}`)
      await whenReady(t.page)
      await expect.poll(() => banner(t.page).isVisible()).toBe(true)
      expect(await action(t.page, 'accept-all').textContent()).toBe('Alle akzeptieren')
      expect(t.server.requests).toContain('/dist/locales/de.json')
      expect(await ran()).toEqual([])
      await action(t.page, 'preferences').click()
      await expect.poll(() => t.page.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
      expect(t.server.requests).toContain('/dist/consentry-extras.js')
      await t.page.locator('#consentry-root [part~="preferences"] [data-action="accept-all"]').click()
      await expect.poll(ran).toEqual(['consent default, consent update, event'])
      expect(t.errors).toEqual([])
    },
  )
})

/** When the page painted content, when the SDK file was requested and when parsing ended (DOMContentLoaded fired), in ms. */
const timing = () =>
  t.page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    sdk: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dist/consentry.iife.js'))?.startTime,
    dcl: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventStart,
  }))

describe('the after-paint loader (README, "Loading modes")', () => {
  test.each([
    ['an inline config', 'inline'],
    ['data-config', 'url'],
    ['a nonce CSP', 'csp'],
    ['a long page', 'slow'],
  ])('with %s: the page paints and finishes parsing before the SDK is even requested', async (_, how) => {
    await t.page.goto(`${t.server.origin}/after-paint-${how}`)
    await whenReady(t.page)
    const { fcp, sdk, dcl } = await timing()
    expect(fcp).toBeGreaterThan(0)
    expect(sdk).toBeGreaterThan(fcp!)
    expect(sdk).toBeGreaterThan(dcl)
    // The tag it added carries the loader's data- attributes (data-config read from it) and nonce.
    expect(await t.page.evaluate(() => document.querySelector<HTMLScriptElement>('script[src="/dist/consentry.iife.js"]')?.dataset.src)).toBe(
      '/dist/consentry.iife.js',
    )
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe('Alle akzeptieren')
    expect(await ran()).toEqual([])
    await action(t.page, 'accept-all').click()
    await expect.poll(ran).toEqual(['consent default, consent update, event'])
    expect(t.errors).toEqual([])
  })
})
