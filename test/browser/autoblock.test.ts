import { describe, expect, test } from 'vitest'
import { gateSettled, page, ran, site, useChromium } from './harness.js'

const config = () => ({
  autoBlock: true,
  categories: {
    analytics: { services: { tracker: { domains: ['tracker.consentry.test'] } } },
    advertising: { services: { ads: { domains: ['consentry-ads.test'] } } },
  },
})
const host = (name: string) => `http://${name}:${new URL(t.server.origin).port}`

/** Plain third-party tags, no type="text/plain": parser-inserted, createElement'd, and an unlisted one. */
const body = () => `
<script src="${host('tracker.consentry.test')}/parser.js"></script>
<script src="${host('cdn.consentry.test')}/lib.js"></script>
<script>
  const s = document.createElement('script')
  s.src = '${host('www.tracker.consentry.test')}/dynamic.js'
  document.head.appendChild(s)
  const ad = document.createElement('script')
  ad.src = '${host('consentry-ads.test')}/ad.js'
  document.head.appendChild(ad)
</script>`

/** A client-side route change that inserts gated markup and a plain tracker tag. */
const route = () => `
<button id="go" onclick="
  history.pushState({}, '', '/checkout')
  document.querySelector('main').innerHTML = '<h1>Checkout</h1><script type=text/plain data-category=analytics>window.ran.push(\\'route-gated\\')<\\/script>'
  const t = document.createElement('script'); t.src = '${host('tracker.consentry.test')}/route.js'; document.body.append(t)
">Go</button>`

const t = useChromium(
  () =>
    site({}, (req) => {
      const path = new URL(req.url!, 'http://x').pathname
      if (path === '/') return page(config(), body() + route(), '', '/dist/consentry-autoblock.iife.js')
      if (path === '/plain') return page(config(), route())
      const js = path.match(/^\/(parser|lib|dynamic|ad|route)\.js$/)
      if (js) return { body: `window.ran.push('${js[1]}')`, type: 'text/javascript' }
      return undefined
    }),
  ['--host-resolver-rules=MAP *.consentry.test 127.0.0.1, MAP consentry-ads.test 127.0.0.1'],
)

describe('auto-blocking', () => {
  test('parser-inserted and createElement scripts from listed domains wait; others run; consent runs them', async () => {
    await t.page.goto(host('www.consentry.test') + '/')
    const heldScripts = () =>
      t.page.evaluate(() =>
        Array.from(
          document.querySelectorAll('script[data-category]'),
          (s) => `${s.getAttribute('type')} ${s.getAttribute('data-category')}:${s.getAttribute('data-service')}`,
        ),
      )
    // Positive signals first: all three were seen and held, and the gate has had its pass since.
    await expect.poll(() => heldScripts().then((held) => held.length)).toBe(3)
    const held = await heldScripts()
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['lib'])
    expect(held.sort()).toEqual(['text/plain advertising:ads', 'text/plain analytics:tracker', 'text/plain analytics:tracker'])
    await t.page.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ analytics: true }))
    await expect.poll(() => ran(t.page).then((r) => r.sort())).toEqual(['dynamic', 'lib', 'parser'])
    await gateSettled(t.page)
    expect(await ran(t.page)).not.toContain('ad')
    expect(t.errors).toEqual([])
  })

  test('with a stored consent they run at once, without being rewritten', async () => {
    await t.page.goto(host('www.consentry.test') + '/')
    await t.page.evaluate(() => (window as unknown as { Consentry: { acceptAll(): void } }).Consentry.acceptAll())
    await t.page.reload()
    await expect.poll(() => ran(t.page).then((r) => r.sort())).toEqual(['ad', 'dynamic', 'lib', 'parser'])
    expect(await t.page.locator('script[type="text/plain"]').count()).toBe(0)
  })

  test('SPA route change: gated markup and a tracker tag inserted by the route wait for consent, then run', async () => {
    await t.page.goto(host('www.consentry.test') + '/')
    await t.page.click('#go')
    // The route's tracker tag was seen and held, and the gate has had its pass since.
    await expect.poll(() => t.page.locator('script[src$="/route.js"], script[data-src$="/route.js"]').count()).toBe(1)
    await expect.poll(() => t.page.locator('script[data-service="tracker"][type="text/plain"]').count()).toBe(3)
    await gateSettled(t.page)
    expect(t.page.url()).toMatch(/\/checkout$/)
    expect(await ran(t.page)).toEqual(['lib'])
    await t.page.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ analytics: true }))
    await expect.poll(() => ran(t.page).then((r) => r.sort())).toEqual(['dynamic', 'lib', 'parser', 'route', 'route-gated'])
  })

  test('the plain build with autoBlock loads auto-blocking as a chunk: what is inserted after it arrived waits', async () => {
    await t.page.goto(host('www.consentry.test') + '/plain')
    await t.page.waitForFunction(() => 'ConsentryAutoBlock' in window)
    await t.page.click('#go')
    await expect.poll(() => t.page.locator('script[data-service="tracker"][type="text/plain"]').count()).toBe(1)
    expect(await ran(t.page)).toEqual([])
    await t.page.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ analytics: true }))
    await expect.poll(() => ran(t.page).then((r) => r.sort())).toEqual(['route', 'route-gated'])
  })
})
