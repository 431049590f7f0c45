// The npm build finds its locales without the site copying files (README, "npm / single-page
// apps"): each shipped language is a chunk the app's bundler splits off (src/i18n/chunks.ts).
// test/browser/npm-package.test.ts proves the same with Vite against the packed package.
import { readFileSync } from 'node:fs'
import Cookies from 'js-cookie'
import { cleanStores } from 'nanostores'
import { afterEach, expect, test, vi } from 'vitest'
import * as Consentry from '../../src/index.js'
import { $consent } from '../../src/core/state.js'
import { LOCALE_CHUNKS } from '../../src/i18n/chunks.js'
import { LOCALES } from '../../src/i18n/negotiate.js'
import * as english from '../../src/tcf/english.js'
import * as fetched from '../../src/tcf/fetched.js'
import { $view } from '../../src/ui/view.js'

const config = { policyUrl: '/privacy', categories: { necessary: {}, analytics: {} } }
const acceptAll = () => document.getElementById('consentry-root')?.shadowRoot?.querySelector('[data-action="accept-all"]')?.textContent
const file = (lang: string) => JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8'))

afterEach(() => {
  Consentry.hide()
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  document.documentElement.lang = 'en'
  vi.unstubAllGlobals()
  cleanStores($consent, $view)
})

test('every shipped language but the bundled English has a chunk holding its locale file', async () => {
  expect(Object.keys(LOCALE_CHUNKS).sort()).toEqual(LOCALES.filter((lang) => lang !== 'en').sort())
  for (const [lang, chunk] of Object.entries(LOCALE_CHUNKS)) expect((await chunk()).default, lang).toEqual(file(lang))
})

test("the TCF layer's labels too: a chunk per language but English in the npm build, none in the script tag's", async () => {
  const tcf = (lang: string) => JSON.parse(readFileSync(`locales/tcf/${lang}.json`, 'utf8'))
  expect(Object.keys(english.LABEL_CHUNKS!).sort()).toEqual(LOCALES.filter((lang) => lang !== 'en').sort())
  for (const [lang, chunk] of Object.entries(english.LABEL_CHUNKS!)) expect((await chunk()).default, lang).toEqual(tcf(lang))
  // The script-tag chunk's stand-in (rollup.config.mjs) offers the same names, empty.
  expect(Object.keys(fetched).sort()).toEqual(Object.keys(english).sort())
  expect(fetched.LABEL_CHUNKS).toBeUndefined()
})

test('without language.path the npm build shows the page language from its chunk, fetching nothing', async () => {
  const fetch = vi.fn()
  vi.stubGlobal('fetch', fetch)
  document.documentElement.lang = 'pt-BR'
  await Consentry.init(config)
  expect(acceptAll()).toBe(file('pt-BR').banner.acceptAll)
  document.documentElement.lang = 'de'
  await vi.waitFor(() => expect(acceptAll()).toBe(file('de').banner.acceptAll))
  expect(fetch).not.toHaveBeenCalled()
})

test('a root-relative language.path is fetched from the page’s origin, and wins over the chunks', async () => {
  const fetch = vi.fn(async () => new Response(JSON.stringify({ banner: { acceptAll: 'Von der Website' } })))
  vi.stubGlobal('fetch', fetch)
  document.documentElement.lang = 'de'
  await Consentry.init({ ...config, language: { path: '/locales/' } })
  expect(fetch).toHaveBeenCalledWith('/locales/de.json')
  expect(acceptAll()).toBe('Von der Website')
})
