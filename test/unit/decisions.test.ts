// Decision defects: an unchanged save, the source after a reload, a placeholder's
// partial "Always allow", and the Consent Mode ordering warning.
import Cookies from 'js-cookie'
import { cleanStores } from 'nanostores'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import * as Consentry from '../../src/index.js'
import { $consent } from '../../src/core/state.js'
import { $view } from '../../src/ui/view.js'
import { pendingNotes } from '../../src/receipts/notes.js'

const config = {
  policyUrl: '/privacy',
  categories: {
    necessary: { required: true },
    functional: { services: { youtube: {}, maps: {} } },
    analytics: { services: { ga4: {} } },
    advertising: {},
  },
}
const shadow = () => document.getElementById('consentry-root')?.shadowRoot ?? null
const button = (action: string) => shadow()!.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!
const flush = () => new Promise((r) => setTimeout(r, 0))

beforeEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  localStorage.clear()
  document.body.innerHTML = ''
})
afterEach(() => {
  Consentry.hide()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  // No listener of this test's setup (its UI, gate, events) reacts to the next test's stores.
  cleanStores($consent, $view)
})

describe('decisions', () => {
  test('saving the same choice again decides nothing: no decision event, no receipt, the UI closes', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => {})),
    )
    await Consentry.init({ ...config, receipts: { endpoint: 'https://receipts.test/r' } })
    await flush()
    const decision = vi.fn()
    const off = Consentry.on('decision', decision)
    Consentry.save({ analytics: true })
    expect(decision).toHaveBeenCalledTimes(1)
    Consentry.showPreferences()
    const same = Consentry.save({ analytics: true })
    Consentry.acceptAll()
    Consentry.save({ advertising: true, functional: true })
    off()
    expect(same.source).toBe('api')
    expect(decision.mock.calls.map(([d]) => d.event)).toEqual(['given', 'updated'])
    expect(pendingNotes().map((n) => n.event)).toEqual(['given', 'updated'])
  })

  test('an Accept click removes the banner in its own frame; the scripts it allows run after that frame', async () => {
    document.body.innerHTML = '<script type="text/plain" data-category="analytics">window.ran = 1</script>'
    await Consentry.init(config)
    await flush()
    button('accept-all').click()
    // The click decided and took the banner away; the gated script is still markup: its work
    // is not part of the click's interaction (INP, test/bench/README.md).
    expect(Consentry.has('analytics')).toBe(true)
    expect(shadow()!.querySelector('[part~="banner"]')).toBeNull()
    expect(document.querySelector('script[type="text/plain"]')).not.toBeNull()
    await vi.waitFor(() => expect(document.querySelector('script[type="text/plain"]')).toBeNull())
    expect(document.querySelector<HTMLScriptElement>('script[data-category="analytics"]')!.type).toBe('')
  })

  test('get().source survives a reload', async () => {
    await Consentry.init(config)
    await flush()
    button('reject-all').click()
    expect(Consentry.get().source).toBe('banner')
    await Consentry.init(config) // a new page view reading the cookie
    expect(Consentry.get()).toMatchObject({ decided: true, source: 'banner' })
  })

  test("a placeholder's Always allow allows that service and decides nothing else, across a reload", async () => {
    document.body.innerHTML = '<iframe data-category="functional" data-service="youtube" data-src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    await Consentry.init(config)
    const decision = vi.fn()
    const off = Consentry.on('decision', decision)
    const allow = await vi.waitFor(() => {
      const host = document.querySelector('[data-consentry-placeholder]')!
      return host.shadowRoot!.querySelector<HTMLButtonElement>('[part~="allow-service"]')!
    })
    allow.click()
    // Released once the click's frame is painted.
    await vi.waitFor(() => expect(document.querySelector('iframe')!.getAttribute('src')).toBe('https://www.youtube-nocookie.com/embed/x'))
    off()
    expect(Consentry.has('functional:youtube')).toBe(true)
    expect(Consentry.has('functional')).toBe(false)
    expect(Consentry.has('functional:maps')).toBe(false)
    expect(Consentry.get()).toMatchObject({ decided: false, source: 'placeholder' })
    // The first layer still asks about the rest.
    expect(shadow()!.querySelector('[part~="banner"]')).not.toBeNull()
    expect(decision.mock.calls.map(([d]) => [d.event, d.source])).toEqual([['given', 'placeholder']])
    // A new page view: the service stays allowed, the banner still asks.
    await Consentry.init(config)
    await flush()
    expect(Consentry.get()).toMatchObject({ decided: false, source: 'placeholder' })
    expect(Consentry.has('functional:youtube')).toBe(true)
    expect(shadow()!.querySelector('[part~="banner"]')).not.toBeNull()
    // "Reject all" then decides what was asked; the service allowed by the visitor stays.
    button('reject-all').click()
    expect(Consentry.get()).toMatchObject({ decided: true, source: 'banner' })
    expect(Consentry.has('functional:youtube')).toBe(true)
    expect(Consentry.has('analytics')).toBe(false)
    expect(shadow()!.querySelector('[part~="banner"]')).toBeNull()
  })

  test('warns (once per init) when a Google tag ran before the Consent Mode default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const w = window as unknown as { dataLayer?: unknown[] }
    w.dataLayer = []
    const gtag = function (..._: unknown[]) {
      // biome-ignore lint/complexity/noArguments: gtag.js reads an Arguments object
      w.dataLayer!.push(arguments)
    }
    await Consentry.init({ ...config, google: { consentMode: true } })
    expect(warn).not.toHaveBeenCalled()
    w.dataLayer = []
    gtag('js', new Date())
    gtag('config', 'G-TEST')
    await Consentry.init({ ...config, google: { consentMode: true } })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0][0])).toMatch(/Google tag ran before consent default/)
    delete w.dataLayer
  })
})

describe('the click that decides', () => {
  test('tells other tabs after its frame is painted, not while the visitor waits for it (INP)', async () => {
    await Consentry.init(config)
    const writes: [string, string][] = []
    vi.spyOn(localStorage, 'setItem').mockImplementation((key: string, value: string) => void writes.push([key, value]))
    // What this decision announces: its cookie value (an earlier test's may still be on its way).
    const announced = () => writes.filter(([key, value]) => key === 'consentry:sync:consentry' && value === Cookies.get('consentry'))
    button('accept-all').click()
    expect(Consentry.has('analytics')).toBe(true)
    expect(announced()).toEqual([])
    // The frame, then a task: the announcement goes out, once.
    await new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 1)))
    await flush()
    expect(announced()).toHaveLength(1)
  })
})
