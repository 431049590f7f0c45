import type { BrowserContext } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { page, site, useChromium } from './harness.js'

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

type Api = { Consentry: { save(c: object): void; acceptAll(): void; reset(): void } }
const names = async (context: BrowserContext) => (await context.cookies()).map((c) => `${c.name}@${c.domain}${c.path}`).sort()

const t = useChromium(
  () =>
    site({
      '/shop/': page(config, ga),
      '/reload/': page({ ...config, cleanup: { reload: true, paths: ['/shop'] } }, ga),
      '/own/': page({ ...config, cookie: { name: 'my_consent', domain: 'consentry.test', path: '/', sameSite: 'Strict' } }, ''),
    }),
  ['--host-resolver-rules=MAP *.consentry.test 127.0.0.1'],
)
const url = () => `http://www.consentry.test:${new URL(t.server.origin).port}`

describe('cookie clean-up on withdrawal', () => {
  test('withdrawing analytics removes _ga and _ga_XXXX from the parent domain, path cookies and storage keys', async () => {
    await t.page.goto(url() + '/shop/')
    await t.page.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    await expect.poll(() => t.page.evaluate(() => (window as unknown as { ran: string[] }).ran)).toEqual(['ga'])
    {
      const before = await names(t.context)
      expect(before).toEqual(expect.arrayContaining(['_ga@.consentry.test/', '_ga_XXXX@.consentry.test/', '_gid@www.consentry.test/shop']))
    }
    await t.context.addCookies([{ name: '_ads', value: '1', domain: '.consentry.test', path: '/' }])
    await t.page.evaluate(() => (window as unknown as Api).Consentry.save({ analytics: false }))
    // The clean-up code arrives with the extras chunk, a moment after the click.
    await expect.poll(async () => (await names(t.context)).filter((n) => n.startsWith('_g'))).toEqual([])
    const after = await names(t.context)
    expect(after).toContain('_ads@.consentry.test/') // advertising was not withdrawn
    expect(after.some((n) => n.startsWith('consentry@'))).toBe(true) // the consent cookie stays
    expect(await t.page.evaluate(() => localStorage.getItem('_ga_state'))).toBeNull()
  })

  test('cleanup.reload reloads the page when a category is withdrawn, not when one is granted; cleanup.paths reach other paths', async () => {
    await t.page.goto(url() + '/reload/')
    await t.page.evaluate(() => ((window as unknown as { marker: number }).marker = 1))
    await t.page.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    expect(await t.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1)
    await Promise.all([t.page.waitForEvent('load'), t.page.evaluate(() => (window as unknown as Api).Consentry.save({ analytics: false }))])
    expect(await t.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined()
    // _gid sits on /shop, which this page cannot see: the configured path reaches it (a literal name).
    expect((await names(t.context)).filter((n) => n.startsWith('_g'))).toEqual([])
  })

  test('the consent cookie is written as configured (domain, path, SameSite, 400 days) and reset() deletes it', async () => {
    await t.page.goto(url() + '/shop/')
    await t.page.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    const own = (await t.context.cookies()).find((c) => c.name === 'consentry')!
    expect(own).toMatchObject({ domain: 'www.consentry.test', path: '/', sameSite: 'Lax', secure: false, httpOnly: false })
    expect(own.value).toMatch(/^1\.[\w-]+\.1\./)
    // Chromium caps a cookie's life at 400 days; the SDK asks for exactly that (src/core/stored.ts).
    expect(Math.round((own.expires - Date.now() / 1000) / 86400)).toBe(400)

    await t.page.goto(url() + '/own/')
    await t.page.evaluate(() => (window as unknown as Api).Consentry.acceptAll())
    const mine = (await t.context.cookies()).find((c) => c.name === 'my_consent')!
    expect(mine).toMatchObject({ domain: '.consentry.test', path: '/', sameSite: 'Strict' })
    await t.page.evaluate(() => (window as unknown as Api).Consentry.reset())
    expect((await t.context.cookies()).map((c) => c.name)).not.toContain('my_consent')
  })
})
