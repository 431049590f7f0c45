import Cookies from 'js-cookie'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { resolve } from '../../src/config/resolve.js'
import type { Config } from '../../src/config/types.js'
import { createConsent } from '../../src/core/consent.js'
import type { ConsentState } from '../../src/core/state.js'

const DAY = 86_400_000
const config = (extra: Config = {}) => resolve({ categories: { analytics: {}, advertising: {} }, ...extra }, false)
const open = (extra: Config = {}) => {
  let state: ConsentState | undefined
  const consent = createConsent(config(extra), document.cookie, (s) => (state = s))
  return { consent, state: () => state! }
}

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(Date.UTC(2026, 0, 1))
})
afterEach(() => {
  vi.useRealTimers()
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
})

describe('consent lifetime (fake clock)', () => {
  test('a decision holds until expiresDays, then the visitor is asked again', () => {
    open({ cookie: { expiresDays: 30 } }).consent.decide(true, 'banner')!
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 30 * DAY - 1000)
    expect(open({ cookie: { expiresDays: 30 } }).consent.ask).toBeNull()
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 30 * DAY)
    const later = open({ cookie: { expiresDays: 30 } })
    expect(later.consent.ask).toBe('expired')
    expect(later.state().decided).toBe(false)
    expect(later.state().categories.analytics).toBe(false)
  })

  test('refusals expire too (default 182 days)', () => {
    open().consent.decide(false, 'banner')!
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 181 * DAY)
    expect(open().consent.ask).toBeNull()
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 182 * DAY)
    expect(open().consent.ask).toBe('expired')
  })

  test('the same choice confirmed after expiry is "renewed"; a different one is not', () => {
    open().consent.decide({ analytics: true }, 'banner')!
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 200 * DAY)
    expect(open().consent.decide({ analytics: true }, 'banner')!.event).toBe('renewed')
    vi.setSystemTime(Date.UTC(2026, 0, 1) + 400 * DAY)
    expect(open().consent.decide({ analytics: true, advertising: true }, 'banner')!.event).toBe('updated')
  })

  test('a revision bump asks again before expiry, and renewing it is "renewed"', () => {
    open({ revision: 1 }).consent.decide(true, 'banner')!
    vi.setSystemTime(Date.UTC(2026, 0, 1) + DAY)
    const bumped = open({ revision: 2 })
    expect(bumped.consent.ask).toBe('revision')
    expect(bumped.consent.decide(true, 'banner')!.event).toBe('renewed')
  })

  test('a GPC-derived first decision is a refusal even when opt-out leaves other categories on', () => {
    const { consent } = open({ mode: 'opt-out' })
    const d = consent.decide({ analytics: true, advertising: false }, 'gpc')!
    expect(d.event).toBe('refused')
    expect(d.state.categories).toEqual({ necessary: true, analytics: true, advertising: false })
  })

  test('sync() picks up a decision another tab wrote to the cookie', () => {
    const here = open()
    open().consent.decide(true, 'banner')!
    expect(here.state().decided).toBe(false)
    here.consent.sync()
    expect(here.state().decided).toBe(true)
    expect(here.consent.ask).toBeNull()
  })
})
