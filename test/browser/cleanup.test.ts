import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { launch, page, site, type Site } from './harness.js'

// The page is served as www.consentry.test so that cookies can sit on the parent domain, as GA's do.
const config = {
  categories: {
    analytics: { services: { ga4: { cookies: ['_ga', '_gid', '/^_ga_/'], storage: ['/^_ga/'] } } },
    advertising: { services: { ads: { cookies: ['_ads'] } } },
  },
}
// What GA would do once allowed: cookies on the registrable domain, plus one on the host and a path.
const ga = `<script type="text/plain" data-category="analytics" data-service="ga4">
document.cookie = '_ga=GA1.1.1; domain=consentry.test; path=/; max-age=3600'
document.cookie = '_ga_XXXX=GS1.1.1; domain=consentry.test; path=/; max-age=3600'
document.cookie = '_gid=1; path=/shop; max-age=3600'
localStorage.setItem('_ga_state', '1')
window.ran.push('ga')
</script>`

type Api = { Consentry: { save(c: object): void; acceptAll(): void } }
const names = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}@${c.domain}${c.path}`).sort()

let browser: Browser
let server: Site
let context: BrowserContext
let p: Page
let url: string

beforeAll(async () => {
  browser = await launch(['--host-resolver-rules=MAP *.consentry.test 127.0.0.1'])
  server = await site({ '/shop/': page(config, ga), '/reload/': page({ ...config, cleanup: { reload: true, paths: ['/shop'] } }, ga) })
  url = `http://www.consentry.test:${new URL(server.origin).port}`
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})
beforeEach(async () => {
  context = await browser.newContext()
  p = await context.newPage()
})
afterEach(async () => {
  await context.close()
})

describe('cookie clean-up on withdrawal', () => {
  test('withdrawing analytics removes _ga and _ga_XXXX from the parent domain, path cookies and storage keys', async () => {
    await p.goto(url + '/shop/')
    await p.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    await expect.poll(() => p.evaluate(() => (window as unknown as { ran: string[] }).ran)).toEqual(['ga'])
    {
      const before = await names(context)
      expect(before).toEqual(expect.arrayContaining(['_ga@.consentry.test/', '_ga_XXXX@.consentry.test/', '_gid@www.consentry.test/shop']))
    }
    await context.addCookies([{ name: '_ads', value: '1', domain: '.consentry.test', path: '/' }])
    await p.evaluate(() => (window as unknown as Api).Consentry.save({ analytics: false }))
    // The clean-up code arrives with the extras chunk, a moment after the click.
    await expect.poll(async () => (await names(context)).filter((n) => n.startsWith('_g'))).toEqual([])
    const after = await names(context)
    expect(after).toContain('_ads@.consentry.test/') // advertising was not withdrawn
    expect(after.some((n) => n.startsWith('consentry@'))).toBe(true) // the consent cookie stays
    expect(await p.evaluate(() => localStorage.getItem('_ga_state'))).toBeNull()
  })

  test('cleanup.reload reloads the page when a category is withdrawn, not when one is granted; cleanup.paths reach other paths', async () => {
    await p.goto(url + '/reload/')
    await p.evaluate(() => ((window as unknown as { marker: number }).marker = 1))
    await p.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    expect(await p.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1)
    await Promise.all([p.waitForEvent('load'), p.evaluate(() => (window as unknown as Api).Consentry.save({ analytics: false }))])
    expect(await p.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined()
    // _gid sits on /shop, which this page cannot see: the configured path reaches it (a literal name).
    expect((await names(context)).filter((n) => n.startsWith('_g'))).toEqual([])
  })
})
