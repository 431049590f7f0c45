// The config's check comes as a chunk (src/lazy/check.ts), not in the first view: the banner draws
// from the config as given while it loads, nothing optional is allowed before its verdict, and a
// consent cookie written under the same checked config, or the config's own stamp, vouches for it
// (src/config/fingerprint.ts).
import Cookies from 'js-cookie'
import { cleanStores } from 'nanostores'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { Config } from '../../src/index.js'
import * as Consentry from '../../src/index.js'
import { $consent } from '../../src/core/state.js'
import { decodeRecord } from '../../src/core/record.js'
import { fingerprint } from '../../src/config/fingerprint.js'
import { $view } from '../../src/ui/view.js'

// The check chunk's arrival is the test's to decide: each load waits for `arrive()` (or `fail()`).
const loads = vi.hoisted(() => ({ count: 0, arrive: () => {}, fail: (_: Error) => {} }))
vi.mock('../../src/lazy/index.js', async (original) => {
  const actual = await original<typeof import('../../src/lazy/index.js')>()
  return {
    ...actual,
    loadCheck: () => {
      loads.count++
      return new Promise<Awaited<ReturnType<typeof actual.loadCheck>>>((resolve, reject) => {
        loads.arrive = () => void actual.loadCheck().then(resolve)
        loads.fail = reject
      })
    },
  }
})

const config = {
  mode: 'opt-out',
  policyUrl: '/privacy',
  categories: { necessary: {}, analytics: { services: { ga4: {} } }, advertising: {} },
} satisfies Config

const shadow = () => document.getElementById('consentry-root')?.shadowRoot ?? null
const banner = () => shadow()?.querySelector('[part~="banner"]') ?? null
const stored = () => decodeRecord(Cookies.get('consentry'))
/** A first page view of `config` whose check passes, then the visitor's choice. */
async function decidedOnce(choose: () => void): Promise<void> {
  const first = Consentry.init(config)
  loads.arrive()
  await first
  choose()
}

beforeEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  document.body.innerHTML = ''
  loads.count = 0
})
afterEach(() => {
  Consentry.hide()
  vi.restoreAllMocks()
  cleanStores($consent, $view)
})

describe('the config check, off the first view', () => {
  test('a first visit: the banner is up before the verdict, nothing optional is allowed until it comes, even in opt-out', async () => {
    const ready = Consentry.init(config)
    expect(loads.count).toBe(1)
    await vi.waitFor(() => expect(banner()).not.toBeNull())
    expect(Consentry.has('analytics')).toBe(false)
    expect(Consentry.get()).toMatchObject({ decided: false, categories: { necessary: true, analytics: false, advertising: false } })

    loads.arrive()
    await ready
    expect(Consentry.has('analytics')).toBe(true)
    expect(Consentry.has('advertising')).toBe(true)
  })

  test('a choice made before the verdict applies at the verdict, and the cookie then vouches for the config', async () => {
    const ready = Consentry.init(config)
    await vi.waitFor(() => expect(banner()).not.toBeNull())
    Consentry.save({ analytics: true })
    expect(Consentry.has('analytics')).toBe(false)
    // Stored, but not as a checked config's: the config has not passed yet.
    expect(stored()?.checked).toBeUndefined()

    loads.arrive()
    await ready
    expect(Consentry.get()).toMatchObject({ decided: true, categories: { necessary: true, analytics: true, advertising: false } })
    expect(stored()?.checked).toBe(fingerprint(config))
  })

  test('a returning visitor of the same config: the stored choice applies synchronously and the check is not loaded', async () => {
    await decidedOnce(() => {
      Consentry.rejectAll()
      Consentry.save({ analytics: true })
    })
    loads.count = 0

    // The next page view.
    const ready = Consentry.init(config)
    expect(Consentry.has('analytics')).toBe(true)
    expect(Consentry.has('advertising')).toBe(false)
    await ready
    expect(loads.count).toBe(0)
  })

  test('a returning visitor after the config changed: the check loads again, and the cookie is rewritten for the new config', async () => {
    await decidedOnce(Consentry.acceptAll)

    const changed = { ...config, policyUrl: '/privacy-2027' }
    const ready = Consentry.init(changed)
    expect(loads.count).toBe(2)
    expect(Consentry.has('analytics')).toBe(false)
    expect(banner()).toBeNull()
    loads.arrive()
    await ready
    expect(Consentry.has('analytics')).toBe(true)
    expect(stored()?.checked).toBe(fingerprint(changed))
  })

  test('an invalid config found by the check fails closed: the stored choice is dropped for this page, the banner comes back', async () => {
    await decidedOnce(Consentry.acceptAll)
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})

    const broken = { ...config, mode: 'opt_out' } as unknown as Config
    const ready = Consentry.init(broken)
    loads.arrive()
    await ready
    expect(String(error.mock.calls[0]?.[0])).toContain('mode: expected one of "opt-in", "opt-out", "notice", got "opt_out"')
    expect(String(error.mock.calls[0]?.[0])).toContain('Consentry fails closed: optional scripts stay blocked.')
    expect(Consentry.has('analytics')).toBe(false)
    await vi.waitFor(() => expect(banner()).not.toBeNull())
  })

  test('a check that cannot load fails closed and says which file', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ready = Consentry.init(config)
    loads.fail(new Error('Consentry: could not load https://cdn.example/consentry-check.js'))
    await ready
    expect(String(error.mock.calls[0]?.[0])).toMatch(/could not load https:\/\/cdn\.example\/consentry-check\.js to check the config\nConsentry fails closed/)
    expect(Consentry.has('analytics')).toBe(false)
    await vi.waitFor(() => expect(banner()).not.toBeNull())
  })

  test('a config too far from its shape to draw from fails closed at once, with no exception for the page', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const broken = { ...config, google: { consentMode: true, regions: 5 } } as unknown as Config
    await expect(Consentry.init(broken)).resolves.toMatchObject({ decided: false })
    expect(String(error.mock.calls[0]?.[0])).toMatch(/^Consentry: invalid config \(TypeError: .*\)\n`npx consentry validate/)
    expect(Consentry.has('analytics')).toBe(false)
    await vi.waitFor(() => expect(banner()).not.toBeNull())
  })

  test('a config stamped by `consentry validate --stamp`: a first visit starts checked, with no check loaded; opt-out applies at once', async () => {
    const stamped = { ...config, checked: fingerprint(config) }
    const ready = Consentry.init(stamped)
    expect(Consentry.has('analytics')).toBe(true)
    await ready
    expect(loads.count).toBe(0)
    Consentry.rejectAll()
    // The cookie vouches as well: the stamp is not part of the fingerprint.
    expect(stored()?.checked).toBe(stamped.checked)
  })

  test("a stamp that is not the config's (edited after stamping) is ignored: the check loads, nothing optional before it", async () => {
    const edited = { ...config, checked: fingerprint(config), policyUrl: '/privacy-2027' }
    const ready = Consentry.init(edited)
    expect(loads.count).toBe(1)
    expect(Consentry.has('analytics')).toBe(false)
    loads.arrive()
    await ready
    expect(Consentry.has('analytics')).toBe(true)
  })
})
