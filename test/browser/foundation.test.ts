import { describe, expect, test } from 'vitest'
import { action, banner, gateSettled, page, ran, site, useChromium, whenReady } from './harness.js'

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

const t = useChromium(() =>
  site({
    '/': page(config, gated),
    '/slow.js': { body: "window.ran.push('analytics-external')", type: 'text/javascript', delay: 300 },
    '/fast.js': { body: "window.ran.push('functional-external')", type: 'text/javascript' },
  }),
)

describe('script tag on a real page', () => {
  test('before consent only necessary scripts run, and the banner offers three choices', async () => {
    await t.page.goto(t.server.url)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['necessary'])
    expect(t.server.requests).not.toContain('/slow.js')
    expect(await banner(t.page).locator('button').allTextContents()).toEqual(['Accept all', 'Reject all', 'Manage preferences'])
    expect(t.errors).toEqual([])
  })

  test('Accept all runs each gated script once, in document order, external ones in sequence', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page)).toEqual(['necessary', 'analytics-external', 'analytics-inline', 'functional-external', 'advertising'])
    await expect.poll(() => banner(t.page).count()).toBe(0)
    await t.page.evaluate(() => (window as unknown as { Consentry: { acceptAll(): void } }).Consentry.acceptAll())
    await gateSettled(t.page)
    expect((await ran(t.page)).length).toBe(5)
  })

  test('Reject all runs none, and the refusal is remembered after a reload', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'reject-all').click()
    await expect.poll(() => t.page.evaluate(() => (window as any).Consentry.get().decided)).toBe(true)
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['necessary'])
    await t.page.reload()
    await whenReady(t.page)
    await gateSettled(t.page)
    expect(await banner(t.page).count()).toBe(0)
    expect(await ran(t.page)).toEqual(['necessary'])
  })

  test('an acceptance survives a reload: no banner, scripts run at once', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page).then((r) => r.length)).toBe(5)
    await t.page.reload()
    await expect.poll(() => ran(t.page)).toEqual(['necessary', 'analytics-external', 'analytics-inline', 'functional-external', 'advertising'])
    expect(await banner(t.page).count()).toBe(0)
  })

  test('a script right after the tag already sees the stored choice through window.Consentry', async () => {
    const next = `<script>window.seen = [Consentry.get().decided, Consentry.has('analytics')]</script>`
    t.server.routes.set('/next', page(config, '', next))
    const seen = () => t.page.evaluate(() => (window as unknown as { seen: boolean[] }).seen)
    await t.page.goto(t.server.origin + '/next')
    expect(await seen()).toEqual([false, false])
    await action(t.page, 'accept-all').click()
    await t.page.reload()
    expect(await seen()).toEqual([true, true])
  })

  test('a corrupt cookie brings the banner back, with no page error and nothing optional run', async () => {
    await t.context.addCookies([{ name: 'consentry', value: '1.%%garbage.analytics+advertising', url: t.server.url }])
    await t.page.goto(t.server.url)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['necessary'])
    expect(t.errors).toEqual([])
  })

  test('a gated script inserted after init is held back until consent, then runs', async () => {
    await t.page.goto(t.server.url)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await t.page.evaluate(() => {
      const s = document.createElement('script')
      s.type = 'text/plain'
      s.setAttribute('data-category', 'analytics')
      s.textContent = "window.ran.push('late')"
      document.body.append(s)
    })
    await gateSettled(t.page)
    expect(await ran(t.page)).not.toContain('late')
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page)).toContain('late')
  })

  test('preferences: switch analytics on and save — only analytics scripts run', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'preferences').click()
    const dialog = t.page.locator('#consentry-root [part~="preferences"]')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.getByRole('switch', { name: 'Analytics' }).isChecked()).toBe(false)
    await dialog.getByRole('switch', { name: 'Analytics' }).check()
    await action(t.page, 'save').click()
    await expect.poll(() => ran(t.page)).toEqual(['necessary', 'analytics-external', 'analytics-inline'])
    expect(await t.page.evaluate(() => (window as any).Consentry.get().categories)).toEqual({
      necessary: true,
      functional: false,
      analytics: true,
      advertising: false,
    })
  })

  test("a cache-busting query on the tag (?v=2/3) still loads texts and the extras chunk from the tag's folder", async () => {
    const tagged = page(config, gated).replace('lang="en"', 'lang="de"').replace('/dist/consentry.iife.js', '/dist/consentry.iife.js?v=2/3')
    t.server.routes.set('/versioned', tagged)
    await t.page.goto(t.server.origin + '/versioned')
    await expect.poll(() => banner(t.page).locator('button').first().textContent()).toBe('Alle akzeptieren')
    expect(t.server.requests).toContain('/dist/locales/de.json')
    await action(t.page, 'preferences').click()
    await expect.poll(() => t.page.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
    expect(t.server.requests).toContain('/dist/consentry-extras.js')
    expect(t.errors).toEqual([])
  })

  test("the UI is set in the page's own typeface, and ui.theme.font replaces it", async () => {
    // On a page set in Georgia, with the preference centre open over the banner: the
    // computed font of the banner, its three buttons and the preference centre.
    const fontsOn = async (path: string, pageConfig: object) => {
      t.server.routes.set(path, page(pageConfig, '', '<style>body { font-family: Georgia, serif; }</style>'))
      await t.page.goto(t.server.origin + path)
      await action(t.page, 'preferences').click()
      await expect.poll(() => t.page.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
      return t.page.evaluate(() => {
        const root = document.getElementById('consentry-root')!.shadowRoot!
        return [...root.querySelectorAll('[part~="banner"], [part~="banner"] button, [part~="preferences"]')].map((el) => getComputedStyle(el).fontFamily)
      })
    }
    expect(await fontsOn('/serif', config)).toEqual(Array(5).fill('Georgia, serif'))
    expect(await fontsOn('/themed', { ...config, ui: { theme: { font: 'monospace' } } })).toEqual(Array(5).fill('monospace'))
    expect(t.errors).toEqual([])
  })

  test("the banner's text takes the page's family and language, sizes from the page's size, and bold is the page's bold", async () => {
    // Chromium sets up a font per family, size, weight and text locale: one the page
    // does not use itself costs the banner's first frame (test/bench/README.md). The type scale
    // (docs/design-system.md: a title a step above the text, the text a step below the page's)
    // costs two sizes of the page's own family; weight and locale stay the page's. The page's
    // CSS on #consentry-root still sets another base size.
    const typeOn = async (path: string, css: string) => {
      const embed = '<iframe data-category="functional" data-src="/embed" width="300" height="150"></iframe>'
      t.server.routes.set(path, page(config, embed, `<style>body { font: 17px Georgia, serif; } ${css}</style>`))
      await t.page.goto(t.server.origin + path)
      await expect.poll(() => banner(t.page).isVisible()).toBe(true)
      return t.page.evaluate(() => {
        const type = (el: Element) => {
          const style = getComputedStyle(el)
          return `${style.fontSize} ${style.fontWeight} ${style.getPropertyValue('-webkit-locale')}`
        }
        const root = document.getElementById('consentry-root')!.shadowRoot!
        return [document.body, ...root.querySelectorAll('[part~="banner"] :is(h2, p, button)')].map(type)
      })
    }
    const [pageText, ...bannerText] = await typeOn('/sized', '')
    expect(pageText).toBe('17px 400 "en"')
    // Title 1.125em, text and buttons .875em of the page's 17 px.
    expect(bannerText).toEqual(['19.125px 700 "en"', '14.875px 400 "en"', ...Array(3).fill('14.875px 700 "en"')])
    expect((await typeOn('/smaller', '#consentry-root { font-size: 16px }')).slice(1)).toEqual([
      '18px 700 "en"',
      '14px 400 "en"',
      ...Array(3).fill('14px 700 "en"'),
    ])
    // The placeholder of the blocked iframe and the preference centre are in the UI's language too.
    await action(t.page, 'preferences').click()
    await expect.poll(() => t.page.locator('#consentry-root [part~="preferences"]').isVisible()).toBe(true)
    await expect.poll(() => t.page.locator('[data-consentry-placeholder]').count()).toBe(1)
    const locales = await t.page.evaluate(() =>
      ['#consentry-root', '[data-consentry-placeholder]'].map((host) => {
        const text = document.querySelector(host)!.shadowRoot!.querySelector('[part~="preferences"] h2, [part~="placeholder"] h2')!
        return getComputedStyle(text).getPropertyValue('-webkit-locale')
      }),
    )
    expect(locales).toEqual(['"en"', '"en"'])
    expect(t.errors).toEqual([])
  })

  test('a broken data-config URL fails closed: one error naming the URL, nothing optional runs, nothing stored', async () => {
    const errors: string[] = []
    t.page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    t.server.routes.set(
      '/broken',
      `<!doctype html><html><head><script src="/dist/consentry.iife.js" data-config="/missing.json"></script></head><body><script>window.ran=[]</script>${gated}</body></html>`,
    )
    const before = t.server.requests.length
    await t.page.goto(t.server.origin + '/broken')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await expect.poll(() => ran(t.page)).toEqual(['necessary'])
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['necessary'])
    // One error, naming the file (the 404 itself is the browser's own line); no stand-in config to check.
    expect(errors.filter((e) => e.startsWith('Consentry'))).toEqual([
      'Consentry: could not read the config from /missing.json: HTTP 404.\nConsentry fails closed: optional scripts stay blocked.',
    ])
    expect(t.server.requests.slice(before).filter((r) => r.includes('consentry-check'))).toEqual([])
    // The visitor still chooses for this page view; a choice made without the site's config is not kept.
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page).then((r) => r.length)).toBe(5)
    expect((await t.context.cookies()).map((c) => c.name)).not.toContain('consentry')
    expect(t.errors).toEqual([])
  })

  test('an invalid config fails closed after an acceptance, with one error naming each path and its problem', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => ran(t.page).then((r) => r.length)).toBe(5)
    const messages: string[] = []
    t.page.on('console', (m) => m.type() === 'error' && messages.push(m.text()))
    const invalid = { ...config, mode: 'opt_in', cookie: { colour: 'blue' }, receipts: { controller: 'Example Ltd' } }
    t.server.routes.set('/invalid', page(invalid, gated))
    await t.page.goto(t.server.origin + '/invalid')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    await gateSettled(t.page)
    expect(await ran(t.page)).toEqual(['necessary'])
    // The script-tag build says what is wrong where; `npx consentry validate` says what was expected.
    expect(messages).toHaveLength(1)
    expect(messages[0].split('\n')).toEqual([
      'Consentry: invalid config',
      '  mode: not a valid value',
      '  cookie.colour: unknown key',
      '  receipts.endpoint: is required',
      '`npx consentry validate <config file>` says what each of them expects.',
      'Consentry fails closed: optional scripts stay blocked.',
    ])
    expect(t.errors).toEqual([])
  })
})
