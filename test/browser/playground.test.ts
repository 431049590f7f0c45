// The config playground (demo/playground.html) in real Chromium: the form drives the real
// build in an iframe, problems show inline, and the downloaded file validates and gives
// the same banner on a page of its own.

import { readFileSync } from 'node:fs'
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { check } from '../../src/cli/check.js'
import { banner, errors, launch, page, site, type Site } from './harness.js'

const demo = (file: string, type: string) => ({ body: readFileSync(`demo/${file}`, 'utf8'), type })

let browser: Browser
let server: Site
let context: BrowserContext
let p: Page
let pageErrors: string[]
const external: string[] = []

beforeAll(async () => {
  browser = await launch()
  server = await site({
    '/playground.html': demo('playground.html', 'text/html; charset=utf-8'),
    '/playground.js': demo('playground.js', 'text/javascript'),
    '/playground.css': demo('playground.css', 'text/css'),
    '/playground-preview.html': demo('playground-preview.html', 'text/html; charset=utf-8'),
  })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})
beforeEach(async () => {
  context = await browser.newContext({ acceptDownloads: true })
  // Works without any network: every request must stay on the local server.
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(server.origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue()
    external.push(url)
    return route.abort()
  })
  p = await context.newPage()
  pageErrors = errors(p)
  await p.goto(server.origin + '/playground.html')
  await expect.poll(() => preview().locator('#consentry-root [part~="banner"]').isVisible()).toBe(true)
})
afterEach(async () => {
  await context.close()
  expect(pageErrors).toEqual([])
  expect(external).toEqual([])
})

const preview = (): FrameLocator => p.frameLocator('#preview')
const prefs = () => preview().locator('#consentry-root [part~="preferences"]')
const fieldset = (legend: string) => p.locator('fieldset', { has: p.locator(`legend:text-is("${legend}")`) }).last()

describe('config playground', () => {
  test('shows the real banner in the preview, built from the starting config, which is valid', async () => {
    const buttons = preview().locator('#consentry-root [part~="banner"] button')
    expect(await buttons.allTextContents()).toEqual(['Accept all', 'Reject all', 'Manage preferences'])
    await expect.poll(() => p.locator('#summary').textContent()).toBe('No problems: this config is valid.')
    const report = await check(await p.locator('#json').inputValue())
    expect(report.errors).toBe(0)
  })

  test('adding a category and a service, by keyboard, updates the preview', async () => {
    await p.locator('#add-category').focus()
    await p.keyboard.press('Enter')
    // Focus moves to the new category's name field.
    await p.keyboard.press('ControlOrMeta+a')
    await p.keyboard.type('social')
    const category = fieldset('Category “social”')
    await category.getByLabel('Title').fill('Social media')
    await category.getByLabel('Description', { exact: true }).fill('Share buttons and embedded posts.')
    await category.getByRole('button', { name: 'Add service' }).press('Enter')
    await p.keyboard.press('ControlOrMeta+a')
    await p.keyboard.type('sharebar')
    const service = fieldset('Service “sharebar”')
    await service.getByLabel('Title').fill('ShareBar')
    await service.getByLabel('Description').fill('Buttons to share pages on social networks.')
    await service.getByLabel(/^Cookies/).fill('_sb, /^_sb_/')
    await p.getByRole('radio', { name: 'Preference centre' }).check()
    await expect.poll(() => prefs().textContent(), { timeout: 10_000 }).toContain('Social media')
    expect(await prefs().textContent()).toContain('Share buttons and embedded posts.')
    // The SDK running in the preview has the new service (get() lists every configured one).
    const frame = p.frames().find((f) => f.url().endsWith('/playground-preview.html'))!
    const state = () => frame.evaluate(() => (window as unknown as { Consentry: { get(): { categories: object; services: object } } }).Consentry.get())
    await expect.poll(async () => Object.keys((await state()).services)).toContain('social:sharebar')
    expect(Object.keys((await state()).categories)).toContain('social')
    const json = JSON.parse(await p.locator('#json').inputValue())
    expect(json.categories.social).toEqual({
      title: 'Social media',
      description: 'Share buttons and embedded posts.',
      services: { sharebar: { title: 'ShareBar', description: 'Buttons to share pages on social networks.', cookies: ['_sb', '/^_sb_/'] } },
    })
  })

  test('validation messages appear inline at the field, from the same checks as the CLI', async () => {
    const accent = p.getByLabel('Accent colour')
    await accent.fill('red;}')
    await expect.poll(() => accent.getAttribute('aria-invalid')).toBe('true')
    const msg = p.locator('#' + (await accent.getAttribute('aria-describedby')))
    expect(await msg.textContent()).toBe('Error: expected a CSS value such as "#0b57d0" or "8px", got "red;}"')
    const cli = await check(await p.locator('#json').inputValue())
    expect(await p.locator('#problems li').first().textContent()).toContain(
      `${cli.findings[0].line}:${cli.findings[0].column} error ui.theme.accent: ${cli.findings[0].message}`,
    )
    expect(await p.locator('#summary').textContent()).toMatch(/^1 error, 0 warnings — not valid/)
    await accent.fill('#7a1fa2')
    await expect.poll(() => accent.getAttribute('aria-invalid')).toBe(null)
    // Typo suggestions and legal pitfalls show too.
    await p.locator('#add-category').click()
    await p.keyboard.press('ControlOrMeta+a')
    await p.keyboard.type('analytcs')
    const name = fieldset('Category “analytcs”').getByLabel('Name')
    await expect.poll(() => name.getAttribute('aria-describedby')).toBeTruthy()
    await expect.poll(async () => p.locator('#' + (await name.getAttribute('aria-describedby'))).textContent()).toContain('did you mean "analytics"?')
  })

  test('the downloaded consent.json validates and, loaded into a page, gives the same banner', async () => {
    await p.getByLabel('Banner title').fill('Cookies at Acme')
    await p.getByLabel('"Accept all" button').fill('Allow everything')
    await p.getByLabel('Layout').selectOption('box')
    await expect.poll(() => preview().locator('#consentry-root [part~="banner"]').textContent()).toContain('Allow everything')
    const [download] = await Promise.all([p.waitForEvent('download'), p.locator('#download').click()])
    expect(download.suggestedFilename()).toBe('consent.json')
    const text = readFileSync((await download.path())!, 'utf8')
    const report = await check(text, { strict: true })
    expect(report.findings).toEqual([])
    expect(report.valid).toBe(true)
    const config = JSON.parse(text)
    expect(config.translations.en.banner).toEqual({ title: 'Cookies at Acme', acceptAll: 'Allow everything' })

    const shown = preview().locator('#consentry-root [part~="banner"]')
    const previewBanner = {
      text: await shown.textContent(),
      actions: await shown.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action') + ':' + e.textContent)),
      html: await shown.evaluate((e) => e.outerHTML.replace(/\s(id|aria-labelledby|aria-describedby)="[^"]*"/g, '')),
    }

    server.routes.set('/site.html', page(config, ''))
    const other = await context.newPage()
    await other.goto(server.origin + '/site.html')
    await expect.poll(() => banner(other).isVisible()).toBe(true)
    const onSite = {
      text: await banner(other).textContent(),
      actions: await banner(other)
        .locator('[data-action]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action') + ':' + e.textContent)),
      html: await banner(other).evaluate((e) => e.outerHTML.replace(/\s(id|aria-labelledby|aria-describedby)="[^"]*"/g, '')),
    }
    expect(onSite).toEqual(previewBanner)
    expect(onSite.text).toContain('Cookies at Acme')
  })

  test('Load consent.json replaces the form and the preview', async () => {
    const file = {
      revision: 2,
      categories: { necessary: { required: true }, marketing: { title: 'Marketing mails', description: 'Newsletter tracking.' } },
      translations: { en: { banner: { title: 'Loaded banner' } } },
    }
    await p.locator('#load').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file, null, 2)) })
    await expect.poll(() => preview().locator('#consentry-root [part~="banner"]').textContent()).toContain('Loaded banner')
    expect(await p.locator('#json-status').textContent()).toBe('Loaded mine.json.')
    expect(await fieldset('Category “marketing”').getByLabel('Title').inputValue()).toBe('Marketing mails')
    expect(await p.getByLabel('Revision').inputValue()).toBe('2')
    expect(JSON.parse(await p.locator('#json').inputValue())).toEqual(file)
  })

  test('a `consentry scan --format json` report loads its draft config to start from', async () => {
    const draft = {
      revision: 1,
      mode: 'opt-in',
      categories: {
        necessary: { required: true },
        analytics: {
          services: {
            'google-analytics': {
              title: 'Google Analytics',
              provider: 'Google',
              description: 'Google Analytics: ID used to identify users',
              cookies: [{ name: '_ga', provider: 'Google', purpose: 'ID used to identify users', duration: '2 years' }],
            },
          },
        },
      },
    }
    const scan = {
      url: 'https://shop.example/',
      scannedAt: '2026-12-04T10:00:00.000Z',
      pages: ['https://shop.example/'],
      cookies: [
        {
          name: '_ga',
          domain: 'shop.example',
          path: '/',
          expires: null,
          httpOnly: false,
          secure: true,
          sameSite: 'Lax',
          phase: 'before-consent',
          setBy: null,
          match: null,
          declared: null,
        },
      ],
      storage: [],
      requests: [],
      violations: [{ kind: 'before-consent', name: '_ga', phase: 'before-consent' }],
      draft,
    }
    await p.locator('#load').setInputFiles({ name: 'scan.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scan)) })
    await expect
      .poll(() => p.locator('#json-status').textContent())
      .toBe(
        'Loaded the config draft from the scan of https://shop.example/ (scan.json: 1 cookie records, 1 violation). Check each service’s wording before you publish it.',
      )
    expect(JSON.parse(await p.locator('#json').inputValue())).toEqual(draft)
    expect(await fieldset('Service “google-analytics”').getByLabel('Title').inputValue()).toBe('Google Analytics')
    await expect.poll(() => p.locator('#summary').textContent()).toMatch(/^No problems/)
  })
})
