import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { action, banner, errors, launch, page, ran, site, type Site } from './harness.js'

const config = {
  categories: {
    necessary: { required: true },
    functional: {},
    analytics: { services: { stats: { cookies: ['_ga'] } } },
    advertising: {},
  },
}

// One gated script per optional category, external ones slow first, so order is tested too.
const gated = `
<script type="text/plain" data-category="necessary">window.ran.push('necessary')</script>
<script type="text/plain" data-category="analytics" data-service="stats" src="/slow.js"></script>
<script type="text/plain" data-category="analytics">window.ran.push('analytics-inline')</script>
<script type="text/plain" data-category="functional" src="/fast.js"></script>
<script type="text/plain" data-category="advertising">window.ran.push('advertising')</script>`

let browser: Browser
let server: Site
let context: BrowserContext
let p: Page
let pageErrors: string[]

beforeAll(async () => {
  browser = await launch()
  server = await site({
    '/': page(config, gated),
    '/slow.js': { body: "window.ran.push('analytics-external')", type: 'text/javascript', delay: 300 },
    '/fast.js': { body: "window.ran.push('functional-external')", type: 'text/javascript' },
  })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})
beforeEach(async () => {
  context = await browser.newContext()
  p = await context.newPage()
  pageErrors = errors(p)
})
afterEach(async () => {
  await context.close()
})

describe('script tag on a real page', () => {
  test('before consent only necessary scripts run, and the banner offers three choices', async () => {
    await p.goto(server.url)
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    await p.waitForTimeout(400)
    expect(await ran(p)).toEqual(['necessary'])
    expect(server.requests).not.toContain('/slow.js')
    expect(await banner(p).locator('button').allTextContents()).toEqual(['Accept all', 'Reject all', 'Manage preferences'])
    expect(pageErrors).toEqual([])
  })

  test('Accept all runs each gated script once, in document order, external ones in sequence', async () => {
    await p.goto(server.url)
    await action(p, 'accept-all').click()
    await expect.poll(() => ran(p)).toEqual(['necessary', 'analytics-external', 'analytics-inline', 'functional-external', 'advertising'])
    await expect.poll(() => banner(p).count()).toBe(0)
    await p.evaluate(() => (window as unknown as { Consentry: { acceptAll(): void } }).Consentry.acceptAll())
    await p.waitForTimeout(400)
    expect((await ran(p)).length).toBe(5)
  })

  test('Reject all runs none, and the refusal is remembered after a reload', async () => {
    await p.goto(server.url)
    await action(p, 'reject-all').click()
    await p.waitForTimeout(400)
    expect(await ran(p)).toEqual(['necessary'])
    await p.reload()
    await p.waitForTimeout(400)
    expect(await banner(p).count()).toBe(0)
    expect(await ran(p)).toEqual(['necessary'])
  })

  test('an acceptance survives a reload: no banner, scripts run at once', async () => {
    await p.goto(server.url)
    await action(p, 'accept-all').click()
    await expect.poll(() => ran(p).then((r) => r.length)).toBe(5)
    await p.reload()
    await expect.poll(() => ran(p)).toEqual(['necessary', 'analytics-external', 'analytics-inline', 'functional-external', 'advertising'])
    expect(await banner(p).count()).toBe(0)
  })

  test('a corrupt cookie brings the banner back, with no page error and nothing optional run', async () => {
    await context.addCookies([{ name: 'consentry', value: '1.%%garbage.analytics+advertising', url: server.url }])
    await p.goto(server.url)
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    await p.waitForTimeout(400)
    expect(await ran(p)).toEqual(['necessary'])
    expect(pageErrors).toEqual([])
  })

  test('a gated script inserted after init is held back until consent, then runs', async () => {
    await p.goto(server.url)
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    await p.evaluate(() => {
      const s = document.createElement('script')
      s.type = 'text/plain'
      s.setAttribute('data-category', 'analytics')
      s.textContent = "window.ran.push('late')"
      document.body.append(s)
    })
    await p.waitForTimeout(200)
    expect(await ran(p)).not.toContain('late')
    await action(p, 'accept-all').click()
    await expect.poll(() => ran(p)).toContain('late')
  })

  test('preferences: switch analytics on and save — only analytics scripts run', async () => {
    await p.goto(server.url)
    await action(p, 'preferences').click()
    const dialog = p.locator('#consentry-root [part~="preferences"]')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.getByRole('switch', { name: 'Analytics' }).isChecked()).toBe(false)
    await dialog.getByRole('switch', { name: 'Analytics' }).check()
    await action(p, 'save').click()
    await expect.poll(() => ran(p)).toEqual(['necessary', 'analytics-external', 'analytics-inline'])
    expect(await p.evaluate(() => (window as any).Consentry.get().categories)).toEqual({
      necessary: true,
      functional: false,
      analytics: true,
      advertising: false,
    })
  })

  test('a broken data-config URL fails closed: banner shown, nothing optional runs, error names the URL', async () => {
    const messages: string[] = []
    p.on('console', (m) => messages.push(m.text()))
    server.routes.set('/broken', `<!doctype html><html><head><script src="/dist/consentry.iife.js" data-config="/missing.json"></script></head><body><script>window.ran=[]</script>${gated}</body></html>`)
    await p.goto(server.origin + '/broken')
    await expect.poll(() => banner(p).isVisible()).toBe(true)
    expect(messages.join('\n')).toContain('/missing.json')
    expect(await ran(p)).toEqual(['necessary'])
    expect(pageErrors).toEqual([])
  })
})
