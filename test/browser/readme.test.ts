// The README's HTML blocks, as written, in Chromium against the built dist/browser/ served at
// /consentry/ (as the README tells a site to serve it), with the README's own JSON config as
// /consent.json. A block that loads the SDK gets a German page and must show the German banner; a
// block of markup goes into a page beside the first of those and must do what the README says
// of it. A block this file has no check for fails (test/unit/readme-examples.test.ts checks the
// other languages).
import { existsSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { fencedBlocks } from '../readme.js'
import { action, banner, site, useChromium } from './harness.js'

const blocks = fencedBlocks('README.md').filter((b) => b.lang === 'html')
const config = fencedBlocks('README.md').find((b) => b.lang === 'json')!.code
const loadsSdk = blocks.filter((b) => b.code.includes('consentry.iife.js'))
const markup = blocks.filter((b) => !loadsSdk.includes(b))
const german = JSON.parse(readFileSync('locales/de.json', 'utf8')) as { banner: { acceptAll: string } }

const page = (head: string, body = '') => `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Page</title>
${head}</head><body><main><h1>Page</h1><p>Text.</p></main>
${body}</body></html>`

const routes: Record<string, string> = { '/consent.json': config }
loadsSdk.forEach((b, i) => (routes[`/sdk-${i}`] = page(b.code)))
markup.forEach((b, i) => (routes[`/markup-${i}`] = page(loadsSdk[0].code, b.code)))

const WEB_ROOT = join(process.cwd(), 'dist', 'browser')
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json' }

const t = useChromium(() =>
  site(routes, (req) => {
    const path = new URL(req.url!, 'http://x').pathname
    if (!path.startsWith('/consentry/')) return undefined
    const file = join(WEB_ROOT, path.slice('/consentry/'.length))
    return file.startsWith(WEB_ROOT) && existsSync(file) ? { body: readFileSync(file, 'utf8'), type: TYPES[extname(file)] } : undefined
  }),
)

/** Requests to other hosts, answered empty here and recorded. */
async function elsewhere(): Promise<string[]> {
  const seen: string[] = []
  await t.context.route(/^https:/, (route) => {
    seen.push(route.request().url())
    return route.fulfill({ status: route.request().method() === 'POST' ? 201 : 200, body: '', contentType: 'text/plain' })
  })
  return seen
}

test('each HTML block of the README is one this file loads', () => {
  expect(loadsSdk.length).toBeGreaterThan(0)
  for (const b of markup) expect(/data-category|data-consentry/.test(b.code), `README.md:${b.line} has no check here`).toBe(true)
})

describe.each(loadsSdk.map((b, i) => [`README.md:${b.line}`, i] as const))('the script tag of %s', (_, i) => {
  test('shows the banner in the page language, with locales from /consentry/locales/, and no error', async () => {
    await t.page.goto(`${t.server.origin}/sdk-${i}`)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe(german.banner.acceptAll)
    expect(t.server.requests).toContain('/consentry/locales/de.json')
    expect(t.errors).toEqual([])
  })
})

const markupWith = (attribute: string) => markup.flatMap((b, i) => (b.code.includes(attribute) ? [[`README.md:${b.line}`, b, i] as const] : []))

describe('the README markup', () => {
  test.each(markupWith('data-category'))('%s waits for consent, and runs once it is given', async (_, b, i) => {
    const requested = await elsewhere()
    await t.page.goto(`${t.server.origin}/markup-${i}`)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    const external = [...b.code.matchAll(/ src="(https:[^"]+)"/g)].map((m) => m[1])
    const frames = [...b.code.matchAll(/ data-src="(https:[^"]+)"/g)].map((m) => m[1])
    expect(external.length + frames.length).toBeGreaterThan(0)
    // Before a choice: no gated script ran and no frame loaded.
    expect(await t.page.locator('script[data-category]:not([type="text/plain"])').count()).toBe(0)
    expect(await t.page.locator('iframe[data-category][src]').count()).toBe(0)
    expect(requested).toEqual([])
    await action(t.page, 'accept-all').click()
    for (const url of external) await expect.poll(() => requested).toContain(url)
    for (const url of frames) await expect.poll(() => t.page.locator(`iframe[src="${url}"]`).count()).toBe(1)
    expect(await t.page.locator('script[type="text/plain"][data-category]').count()).toBe(0)
    expect(t.errors).toEqual([])
  })

  test.each(markupWith('data-consentry="preferences"'))('%s opens the preference centre, and focus comes back to it on close', async (_, _b, i) => {
    await elsewhere()
    await t.page.goto(`${t.server.origin}/markup-${i}`)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    const link = t.page.locator('[data-consentry="preferences"]')
    await link.click()
    const centre = t.page.locator('#consentry-root [part~="preferences"]')
    await expect.poll(() => centre.isVisible()).toBe(true)
    expect(new URL(t.page.url()).pathname).toBe(`/markup-${i}`)
    await t.page.keyboard.press('Escape')
    await expect.poll(() => centre.isVisible()).toBe(false)
    await expect.poll(() => link.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(t.errors).toEqual([])
  })
})
