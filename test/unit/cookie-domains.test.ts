import Cookies from 'js-cookie'
import { afterEach, describe, expect, test } from 'vitest'
import { resolve } from '../../src/config/resolve.js'
import { uniform } from '../../src/core/choice.js'
import type { ConsentState } from '../../src/core/state.js'
import { cleanUp, domainCandidates, pathCandidates } from '../../src/effects/cleanup.js'

describe('cookie clean-up candidates', () => {
  test.each([
    ['www.shop.example.co.uk', ['www.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk', 'co.uk']],
    ['www.consentry.test', ['www.consentry.test', 'consentry.test']],
    ['example.com', ['example.com']],
    ['localhost', []],
    ['127.0.0.1', []],
    ['[::1]', []],
  ])('domains for %s', (host, expected) => {
    expect(domainCandidates(host)).toEqual(expected)
  })

  test('paths: "/", then each parent of the page path', () => {
    expect(pathCandidates('/')).toEqual(['/', '/'])
    expect(pathCandidates('/shop/cart')).toEqual(['/', '/shop', '/shop/cart'])
  })
})

describe('cleanUp', () => {
  const config = resolve(
    {
      categories: {
        analytics: { services: { ga4: { cookies: ['_ga', '/^_ga_/'], storage: ['/^_ga/'] }, other: { cookies: ['keep'] } } },
      },
    },
    false,
  )
  const state = (allowed: boolean): ConsentState => ({ ...uniform(config, allowed), id: 'x', decided: true, revision: 1, updatedAt: null, source: 'api' })
  afterEach(() => {
    for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
    localStorage.clear()
  })

  test('deletes listed names and /regex/ matches of withdrawn services, and their storage keys', () => {
    document.cookie = '_ga=1; path=/'
    document.cookie = '_ga_ABC123=1; path=/'
    document.cookie = 'other=1; path=/'
    localStorage.setItem('_ga_state', '1')
    localStorage.setItem('mine', '1')
    cleanUp(config, state(true), { ...state(true), services: { 'analytics:ga4': false, 'analytics:other': true } })
    // happy-dom empties a max-age=0 cookie instead of dropping it; Chromium drops it (test/browser/cleanup.test.ts).
    const live = Object.entries(Cookies.get()).filter(([, value]) => value)
    expect(live.map(([name]) => name)).toEqual(['other'])
    expect(Object.keys(localStorage)).toEqual(['mine'])
  })

  test('nothing is deleted for services that stay allowed or were never allowed', () => {
    document.cookie = '_ga=1; path=/'
    cleanUp(config, state(true), state(true))
    cleanUp(config, state(false), state(false))
    expect(Cookies.get('_ga')).toBe('1')
  })
})
