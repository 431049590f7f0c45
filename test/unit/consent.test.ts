import Cookies from 'js-cookie'
import { afterEach, describe, expect, test } from 'vitest'
import { resolve } from '../../src/config/resolve.js'
import type { Config } from '../../src/config/types.js'
import { allows, createConsent, type Consent } from '../../src/core/consent.js'
import type { ConsentState } from '../../src/core/state.js'

const DAY = 86_400_000
const config = (extra: Config = {}) =>
  resolve(
    {
      categories: {
        necessary: { required: true },
        functional: {},
        analytics: { services: { ga4: {}, matomo: {} } },
        advertising: {},
      },
      ...extra,
    },
    false,
  )

const JAN_1 = Date.UTC(2026, 0, 1)

/** A page view at `at` that finds `cookies` (what init read from document.cookie). */
function start(extra: Config = {}, at = JAN_1, cookies = document.cookie) {
  let state: ConsentState | undefined
  const clock = { now: at }
  const consent = createConsent(
    config(extra),
    cookies,
    (s) => (state = s),
    true,
    () => clock.now,
  )
  return { consent, clock, state: () => state! }
}

afterEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
})

describe('decision logic', () => {
  test('first visit: the visitor is asked and nothing optional is allowed (opt-in)', () => {
    const { consent, state } = start()
    expect(consent.ask).toBe('missing')
    expect(state().decided).toBe(false)
    expect(state().categories).toEqual({ necessary: true, functional: false, analytics: false, advertising: false })
    expect(allows(state(), 'analytics:ga4')).toBe(false)
    expect(allows(state(), 'necessary')).toBe(true)
  })

  test('opt-out and notice modes allow optional categories before a choice', () => {
    expect(start({ mode: 'opt-out' }).state().categories.advertising).toBe(true)
    expect(start({ mode: 'notice' }).state().categories.analytics).toBe(true)
  })

  test('the first choice is "given" when anything optional is allowed, "refused" otherwise', () => {
    expect(start().consent.decide(true, 'banner')!.event).toBe('given')
    Cookies.remove('consentry')
    expect(start().consent.decide(false, 'banner')!.event).toBe('refused')
    Cookies.remove('consentry')
    expect(start().consent.decide({ analytics: true }, 'preferences')!.event).toBe('given')
  })

  test('a refusal is remembered across visits like an acceptance', () => {
    start().consent.decide(false, 'banner')!
    const again = start()
    expect(again.consent.ask).toBeNull()
    expect(again.state().decided).toBe(true)
    expect(again.state().categories.analytics).toBe(false)
  })

  test('save() keeps names it does not mention; naming a category sets its services', () => {
    const { consent } = start()
    consent.decide({ functional: true }, 'api')!
    const next = consent.decide({ analytics: true, 'analytics:matomo': false }, 'api')!.state
    expect(next.categories).toEqual({ necessary: true, functional: true, analytics: true, advertising: false })
    expect(next.services).toEqual({ 'analytics:ga4': true, 'analytics:matomo': false })
    expect(allows(next, 'analytics:ga4')).toBe(true)
    expect(allows(next, 'analytics:matomo')).toBe(false)
  })

  test('a category is on while any of its services is', () => {
    const { consent } = start()
    consent.decide(true, 'banner')!
    expect(consent.decide({ 'analytics:ga4': false }, 'api')!.state.categories.analytics).toBe(true)
    expect(consent.decide({ 'analytics:matomo': false }, 'api')!.state.categories.analytics).toBe(false)
  })

  test('necessary cannot be switched off', () => {
    const { consent } = start()
    expect(consent.decide({ necessary: false }, 'api')!.state.categories.necessary).toBe(true)
  })

  test('taking anything back is "withdrawn"; other later changes are "updated"', () => {
    const { consent } = start()
    consent.decide({ analytics: true }, 'preferences')!
    expect(consent.decide({ functional: true }, 'preferences')!.event).toBe('updated')
    expect(consent.decide({ 'analytics:ga4': false }, 'preferences')!.event).toBe('withdrawn')
  })

  test('after expiresDays the visitor is asked again; the same choice is then "renewed"', () => {
    const first = start({ cookie: { expiresDays: 30 } })
    first.consent.decide({ analytics: true }, 'banner')!
    const later = start({ cookie: { expiresDays: 30 } }, JAN_1 + 31 * DAY)
    expect(later.consent.ask).toBe('expired')
    expect(later.state().decided).toBe(false)
    expect(later.state().categories.analytics).toBe(false)
    const decision = later.consent.decide({ analytics: true }, 'banner')!
    expect(decision.event).toBe('renewed')
    expect(decision.state.id).toBe(first.state().id)
  })

  test('a revision bump asks again; a different answer is classified against the old one', () => {
    start({ revision: 1 }).consent.decide(true, 'banner')!
    const bumped = start({ revision: 2 })
    expect(bumped.consent.ask).toBe('revision')
    expect(bumped.state().categories.advertising).toBe(false)
    expect(bumped.consent.decide({ analytics: true }, 'banner')!.event).toBe('withdrawn')
  })

  test('a corrupt cookie means "ask again", never an exception and never "allowed"', () => {
    document.cookie = 'consentry=1.x.analytics+advertising; path=/'
    const { consent, state } = start()
    expect(consent.ask).toBe('corrupt')
    expect(state().categories.analytics).toBe(false)
    document.cookie = 'consentry=1.%E0%A4%A.zz; path=/' // not even percent-decodable
    expect(start().consent.ask).not.toBeNull()
  })

  test('the cookie string the caller read at start-up is the one decided from', () => {
    start().consent.decide({ analytics: true }, 'banner')!
    const value = Cookies.get('consentry')!
    Cookies.remove('consentry', { path: '/' })
    const { consent, state } = start({}, JAN_1, `theme=dark; consentry=${value}; lang=en`)
    expect(consent.ask).toBeNull()
    expect(state()).toMatchObject({ decided: true, categories: { analytics: true, advertising: false } })
  })

  test('only a cookie of exactly our name counts, the first of two wins, and an encoded value is not ours', () => {
    start().consent.decide(true, 'banner')!
    const value = Cookies.get('consentry')!
    const read = (cookies: string) => start({}, JAN_1, cookies).consent.ask
    expect(read(`consentry_old=${value}; xconsentry=${value}`)).toBe('missing')
    expect(read(`consentry=${value}; consentry=garbage`)).toBeNull()
    expect(read(`consentry=garbage; consentry=${value}`)).toBe('corrupt')
    expect(read(`consentry=${encodeURIComponent(value)}`)).toBe('corrupt')
    expect(read('')).toBe('missing')
  })

  test('the consent id stays across decisions and is new after reset()', () => {
    const { consent } = start()
    const id = consent.decide(true, 'banner')!.state.id
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(consent.decide(false, 'preferences')!.state.id).toBe(id)
    consent.reset()
    expect(Cookies.get('consentry')).toBeUndefined()
    expect(consent.ask).toBe('missing')
    expect(consent.decide(true, 'banner')!.state.id).not.toBe(id)
  })

  test('persist: false neither reads nor writes the cookie (failed-closed config)', () => {
    start().consent.decide(true, 'banner')!
    const before = Cookies.get('consentry')
    let state: ConsentState | undefined
    const consent = createConsent(config(), document.cookie, (s) => (state = s), false)
    expect(consent.ask).toBe('missing')
    expect(state!.categories.analytics).toBe(false)
    consent.decide(false, 'banner')!
    expect(Cookies.get('consentry')).toBe(before)
  })
})

describe('the cookie write', () => {
  test('comes after the new state is out, and happens even when a listener throws', () => {
    let cookieWhenSet: string | undefined = 'unset'
    const consent = createConsent(config(), '', (s) => {
      if (!s.decided) return
      cookieWhenSet = Cookies.get('consentry')
      throw new Error('a change listener failed')
    })
    expect(() => consent.decide(true, 'banner')!).toThrow('a change listener failed')
    expect(cookieWhenSet).toBeUndefined() // gated scripts are released before the write
    expect(start().consent.ask).toBeNull() // and the decision is remembered
    expect(start().state().categories.analytics).toBe(true)
  })

  test('holds the newest decision when a listener decides again', () => {
    let nested = false
    const consent: Consent = createConsent(config(), '', (s) => {
      if (s.decided && s.categories.analytics && !nested) {
        nested = true
        consent.decide({ analytics: false }, 'api')!
      }
    })
    consent.decide(true, 'banner')!
    expect(start().state().categories).toMatchObject({ analytics: false, advertising: true })
  })
})

describe('cross-tab sync', () => {
  test("another tab's cookie value is taken as given, even before this tab's document.cookie shows it", () => {
    const other = start()
    other.consent.decide({ analytics: true }, 'banner')!
    const value = other.consent.stored()
    Cookies.remove('consentry', { path: '/' }) // as if this tab's cookie view lagged behind
    const here = start()
    expect(here.consent.ask).toBe('missing')
    here.consent.sync(value)
    expect(here.state()).toMatchObject({ decided: true, categories: { analytics: true, advertising: false } })
    here.consent.sync('') // the other tab reset
    expect(here.state().decided).toBe(false)
    expect(here.consent.ask).toBe('missing')
  })

  test('without a value it reads the cookie; finding the state it has sets nothing', () => {
    let sets = 0
    const here = createConsent(
      config(),
      document.cookie,
      () => sets++,
      true,
      () => JAN_1,
    )
    expect(sets).toBe(1)
    expect(here.sync()).toBe(false) // nothing stored, nothing new
    expect(sets).toBe(1)
    start().consent.decide({ advertising: true }, 'banner')! // another tab decides
    expect(here.sync()).toBe(true)
    expect(sets).toBe(2)
    expect(here.state()).toMatchObject({ decided: true, categories: { advertising: true, analytics: false } })
    expect(here.sync()).toBe(false)
    expect(here.sync(here.stored())).toBe(false)
    expect(sets).toBe(2)
  })

  test("this tab's own decision read back from the cookie is not a change", () => {
    const { consent, state } = start()
    consent.decide({ analytics: true }, 'banner')!
    const mine = state()
    expect(consent.sync()).toBe(false)
    expect(state()).toBe(mine)
    expect(consent.state().source).toBe('banner')
  })
})
