import Cookies from 'js-cookie'
import { cleanStores } from 'nanostores'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import * as Consentry from '../../src/index.js'
import { $consent } from '../../src/core/state.js'
import { pendingNotes } from '../../src/receipts/notes.js'
import { $view } from '../../src/ui/view.js'

const config = {
  policyUrl: '/privacy',
  categories: { necessary: { required: true }, functional: {}, analytics: { services: { ga4: {} } }, advertising: {} },
}

const shadow = () => document.getElementById('consentry-root')?.shadowRoot ?? null
const button = (action: string) => shadow()!.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!
const flush = () => new Promise((r) => setTimeout(r, 0))
/** The preference centre is a lazy chunk: wait until it is on screen. */
const preferences = async () => {
  await vi.waitFor(() => expect(shadow()!.querySelector('[part~="preferences"]')).not.toBeNull())
  return shadow()!.querySelector('[part~="preferences"]')!
}

beforeEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  document.body.innerHTML = ''
})
afterEach(() => {
  Consentry.hide()
  vi.unstubAllGlobals()
  // No listener of this test's setup (its UI, gate, events) reacts to the next test's stores.
  cleanStores($consent, $view)
})

describe('banner and API', () => {
  test('first visit shows the first layer in an open shadow root, with three equal choices', async () => {
    await Consentry.init(config)
    await flush()
    const root = shadow()!
    const banner = root.querySelector('[part~="banner"]')!
    expect(banner.getAttribute('role')).toBe('region')
    expect(banner.getAttribute('aria-labelledby')).toBe('cs-title')
    const buttons = [...banner.querySelectorAll('button')].map((b) => [b.dataset.action, b.textContent, b.className])
    expect(buttons).toEqual([
      ['accept-all', 'Accept all', ''],
      ['reject-all', 'Reject all', ''],
      ['preferences', 'Manage preferences', ''],
    ])
    expect(root.querySelector('a')!.getAttribute('href')).toBe('/privacy')
  })

  test('ui.flipButtons puts Reject all before Accept all, in the order Tab follows too; the layout and position name the banner', async () => {
    await Consentry.init({ ...config, ui: { layout: 'cloud', position: 'top', flipButtons: true } })
    await flush()
    const banner = shadow()!.querySelector('[part~="banner"]')!
    expect([...banner.querySelectorAll('button')].map((b) => b.dataset.action)).toEqual(['reject-all', 'accept-all', 'preferences'])
    expect(banner.className).toBe('banner cloud top')
  })

  test('a box with no position sits in the bottom-right corner; a bar at the bottom', async () => {
    await Consentry.init({ ...config, ui: { layout: 'box' } })
    await flush()
    expect(shadow()!.querySelector('[part~="banner"]')!.className).toBe('banner box bottom-right')
    Consentry.hide()
    await Consentry.init(config)
    await flush()
    expect(shadow()!.querySelector('[part~="banner"]')!.className).toBe('banner bar bottom')
  })

  describe('ui.hideFromBots', () => {
    const as = (userAgent: string, webdriver = false) => {
      vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(userAgent)
      vi.spyOn(navigator, 'webdriver', 'get').mockReturnValue(webdriver)
    }
    afterEach(() => vi.restoreAllMocks())
    const bannerShown = async (ui?: object) => {
      await Consentry.init(ui ? { ...config, ui } : config)
      await flush()
      return !!shadow()?.querySelector('[part~="banner"]')
    }

    test.each([
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0)',
      'Baiduspider',
      'Mozilla/5.0 (compatible; Yahoo! Slurp)',
      'facebookexternalhit/1.1 crawler',
    ])('no banner for %s, and nothing optional allowed', async (userAgent) => {
      as(userAgent)
      expect(await bannerShown()).toBe(false)
      expect(Consentry.has('analytics')).toBe(false)
      expect(Consentry.has('necessary')).toBe(true)
    })

    test('a browser driven by automation (navigator.webdriver) with a normal user agent still sees the banner', async () => {
      as('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', true)
      expect(await bannerShown()).toBe(true)
    })

    test('hideFromBots: false shows the banner to crawlers too', async () => {
      as('Googlebot/2.1')
      expect(await bannerShown({ hideFromBots: false })).toBe(true)
    })
  })

  test('Accept all allows everything, hides the banner, fires events and is remembered', async () => {
    const change = vi.fn()
    const decision = vi.fn()
    const offChange = Consentry.on('change', change)
    const offDecision = Consentry.on('decision', decision)
    const windowEvent = vi.fn()
    window.addEventListener('consentry:change', windowEvent)
    await Consentry.init(config)
    await flush()
    button('accept-all').click()
    await flush()
    expect(Consentry.has('analytics')).toBe(true)
    expect(Consentry.has('analytics:ga4')).toBe(true)
    expect(Consentry.get()).toMatchObject({ decided: true, source: 'banner', revision: 1 })
    expect(shadow()!.querySelector('[part~="banner"]')).toBeNull()
    expect(decision.mock.calls[0][0]).toMatchObject({ event: 'given', source: 'banner' })
    expect(change).toHaveBeenCalled()
    expect((windowEvent.mock.calls[0][0] as CustomEvent).detail.categories.analytics).toBe(true)
    offChange()
    offDecision()
    // A new page load with the same cookie: no banner, consent applies at once.
    await Consentry.init(config)
    await flush()
    expect(shadow()!.querySelector('[part~="banner"]')).toBeNull()
    expect(Consentry.has('advertising')).toBe(true)
  })

  test("a page's $consent listener that throws stops neither the click nor its receipt, and its error still surfaces", async () => {
    // The standard way to report an error without aborting (happy-dom has none of its own).
    const reported = vi.fn()
    vi.stubGlobal('reportError', reported)
    const sent = vi.fn((_url: string, _init?: RequestInit) => new Promise<Response>(() => {}))
    vi.stubGlobal('fetch', sent)
    const decision = vi.fn()
    const offDecision = Consentry.on('decision', decision)
    await Consentry.init({ ...config, receipts: { endpoint: 'https://receipts.test/receipts' } })
    await flush()
    const offBroken = Consentry.$consent.listen(() => {
      throw new Error('a bug in the page')
    })
    expect(() => button('accept-all').click()).not.toThrow()
    await flush()
    offBroken()
    offDecision()
    expect(Consentry.has('analytics')).toBe(true)
    expect(shadow()!.querySelector('[part~="banner"]')).toBeNull()
    expect(decision.mock.calls[0][0]).toMatchObject({ event: 'given', source: 'banner' })
    expect(pendingNotes().map((n) => [n.event, n.source])).toEqual([['given', 'banner']])
    // …and the receipt is signed and sent, as after any click.
    await vi.waitFor(() => expect(sent).toHaveBeenCalledWith('https://receipts.test/receipts', expect.objectContaining({ method: 'POST' })))
    expect(reported.mock.calls.map(([error]) => (error as Error).message)).toEqual(['a bug in the page'])
  })

  test('the preference centre starts with nothing optional ticked and saves what was switched', async () => {
    await Consentry.init(config)
    await flush()
    button('preferences').click()
    const dialog = await preferences()
    expect(dialog.getAttribute('role')).toBe('dialog')
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    const switches = [...dialog.querySelectorAll<HTMLInputElement>('input[role="switch"]')]
    expect(switches.map((s) => [s.id, s.checked, s.disabled])).toEqual([
      ['cs-cat-necessary', true, true],
      ['cs-cat-functional', false, false],
      ['cs-cat-analytics', false, false],
      ['cs-svc-analytics-ga4', false, false],
      ['cs-cat-advertising', false, false],
    ])
    switches[2].click()
    await flush()
    button('save').click()
    await flush()
    expect(Consentry.get().categories).toEqual({ necessary: true, functional: false, analytics: true, advertising: false })
    expect(Consentry.get().source).toBe('preferences')
  })

  test('Escape and ✕ close the preference centre without granting anything', async () => {
    await Consentry.init(config)
    await flush()
    button('preferences').click()
    ;(await preferences()).dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await flush()
    expect(shadow()!.querySelector('[part~="preferences"]')).toBeNull()
    expect(shadow()!.querySelector('[part~="banner"]')).not.toBeNull()
    button('preferences').click()
    await preferences()
    button('close').click()
    await flush()
    expect(Consentry.get().decided).toBe(false)
    expect(Consentry.has('analytics')).toBe(false)
  })

  test('texts from config are rendered as text, never as HTML', async () => {
    await Consentry.init({ ...config, translations: { en: { banner: { title: '<img src=x onerror=alert(1)>Hi' } } } })
    await flush()
    const title = shadow()!.getElementById('cs-title')!
    expect(title.textContent).toBe('<img src=x onerror=alert(1)>Hi')
    expect(title.querySelector('img')).toBeNull()
  })

  test('save() via the API, has() for services, reset() asks again', async () => {
    await Consentry.init(config)
    Consentry.save({ analytics: true, 'analytics:ga4': false })
    expect(Consentry.has('analytics:ga4')).toBe(false)
    expect(Consentry.get().source).toBe('api')
    Consentry.reset()
    await flush()
    expect(Consentry.get().decided).toBe(false)
    expect(shadow()!.querySelector('[part~="banner"]')).not.toBeNull()
  })

  test('the consent cookie is Secure on an https page, and not on http (where the browser would drop it)', async () => {
    // The spy records each cookie written and still writes it.
    const spy = vi.spyOn(document, 'cookie', 'set')
    const happyDOM = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM
    const consentCookie = () =>
      spy.mock.calls
        .map(([value]) => value)
        .filter((c) => c.startsWith('consentry='))
        .pop()!
    try {
      happyDOM.setURL('https://shop.example/')
      await Consentry.init(config)
      Consentry.acceptAll()
      expect(consentCookie()).toMatch(/;\s*secure\s*(;|$)/i)

      happyDOM.setURL('http://shop.example/')
      await Consentry.init(config)
      Consentry.rejectAll()
      expect(consentCookie().toLowerCase()).not.toContain('secure')
    } finally {
      spy.mockRestore()
      happyDOM.setURL('http://localhost:3000/')
    }
  })

  test('an invalid config is reported with its paths and fails closed', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    // An earlier, valid setup stored "everything allowed"; this test makes its own, so it runs alone too.
    await Consentry.init(config)
    Consentry.acceptAll()
    // init() is typed (Config): TypeScript refuses this config, and the run-time check reports it too.
    // @ts-expect-error a mode that does not exist and a cookie name that is a number
    await Consentry.init({ mode: 'opt_in', categories: { analytics: { services: { ga4: { cookies: [42] } } } } })
    await flush()
    const message = String(error.mock.calls[0][0])
    expect(message).toContain('mode: expected one of "opt-in", "opt-out", "notice", got "opt_in"')
    expect(message).toContain('categories.analytics.services.ga4.cookies[0]: expected a cookie name or /regex/, got 42')
    expect(Consentry.has('analytics')).toBe(false)
    expect(shadow()!.querySelector('[part~="banner"]')).not.toBeNull()
    error.mockRestore()
  })
})

describe("the page's language", () => {
  test('a later change of <html lang> switches the UI; a replaced setup stops following it', async () => {
    // Which observers watch <html lang>, and which of them were stopped.
    const watching = new Set<MutationObserver>()
    class Recording extends MutationObserver {
      override observe(target: Node, options?: MutationObserverInit) {
        if (target === document.documentElement && options?.attributeFilter?.includes('lang')) watching.add(this)
        super.observe(target, options)
      }
      override disconnect() {
        watching.delete(this)
        super.disconnect()
      }
    }
    vi.stubGlobal('MutationObserver', Recording)
    document.documentElement.lang = 'en'
    const texts = { ...config, translations: { de: { banner: { acceptAll: 'Alle akzeptieren' } } } }
    await Consentry.init(texts)
    expect(button('accept-all').textContent).toBe('Accept all')
    document.documentElement.lang = 'de'
    await vi.waitFor(() => expect(button('accept-all').textContent).toBe('Alle akzeptieren'))
    expect(watching.size).toBe(1)
    await Consentry.init(texts)
    expect(watching.size).toBe(1)
    document.documentElement.lang = 'en'
  })
})
