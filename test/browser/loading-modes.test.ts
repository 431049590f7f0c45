// The script tag without auto-blocking may be loaded async, defer or as a module script
// (README, "Loading modes"): gated markup still waits for consent, Consent Mode defaults
// still reach the dataLayer before a gated Google tag, and the chunks and locales still
// come from the tag's folder.
import { describe, expect, test } from 'vitest'
import { action, banner, site, useChromium, whenReady } from './harness.js'

const config = { google: { consentMode: true }, categories: { necessary: { required: true }, analytics: {} } }

/** The tag in `attrs` mode at the end of <head>, after the page's own inline script; a German page. */
const page = (attrs: string, how: 'inline' | 'url') => `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Article</title>
<script>window.ran = []</script>
${how === 'inline' ? `<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>` : ''}
<script ${attrs} src="/dist/consentry.iife.js"${how === 'url' ? ' data-config="/consent.json"' : ''}></script></head>
<body><main><h1>Article</h1><p>Text.</p></main>
<script type="text/plain" data-category="analytics">window.ran.push(window.dataLayer.map((e) => e.event ? 'event' : e[0] + ' ' + e[1]).join(', '))</script>
</body></html>`

const MODES = { async: 'async', defer: 'defer', module: 'type="module"' }
const routes: Record<string, string> = { '/consent.json': JSON.stringify(config) }
for (const [name, attrs] of Object.entries(MODES)) {
  routes[`/${name}-inline`] = page(attrs, 'inline')
  routes[`/${name}-url`] = page(attrs, 'url')
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
