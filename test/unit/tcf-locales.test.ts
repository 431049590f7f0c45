// The TCF layer's labels (locales/tcf/, docs/tcf.md): one file per shipped UI language, each
// with every label of English, none empty, placeholders intact; and the vendor list translation
// each UI language asks the collector for (purposes-<lang>.json, the IAB's names).
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { LOCALES } from '../../src/i18n/negotiate.js'
import { gvlLang } from '../../src/tcf/gvl.js'

const read = (lang: string): Record<string, string> => JSON.parse(readFileSync(`locales/tcf/${lang}.json`, 'utf8'))
const en = read('en')
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort()

describe('TCF labels', () => {
  test('every shipped UI language has its file, and nothing else is there', () => {
    expect(readdirSync('locales/tcf').sort()).toEqual(LOCALES.map((lang) => `${lang}.json`).sort())
  })

  test.each(LOCALES.filter((lang) => lang !== 'en'))('%s has every label of en.json, translated, placeholders intact', (lang) => {
    const texts = read(lang)
    expect(Object.keys(texts)).toEqual(Object.keys(en))
    for (const [key, source] of Object.entries(en)) {
      expect(typeof texts[key], `${lang} ${key}`).toBe('string')
      expect(texts[key]!.trim(), `${lang} ${key}`).not.toBe('')
      expect(placeholders(texts[key]!), `${lang} ${key}`).toEqual(placeholders(source))
    }
    // The long texts are translations, not English left behind.
    for (const key of ['intro', 'description', 'specialPurposes', 'legitimateInterest'] as const) expect(texts[key], `${lang} ${key}`).not.toBe(en[key])
  })

  test('each UI language asks for the IAB translation of its own language', () => {
    expect(Object.fromEntries(['de', 'de-AT', 'pt', 'pt-BR', 'nb', 'sr', 'zh-CN', 'zh-TW', 'es-419', 'en'].map((lang) => [lang, gvlLang(lang)]))).toEqual({
      de: 'de',
      'de-AT': 'de',
      pt: 'pt-pt',
      'pt-BR': 'pt-br',
      nb: 'no',
      sr: 'sr-cyrl',
      'zh-CN': 'zh',
      'zh-TW': 'zh-hant',
      'es-419': 'es',
      en: 'en',
    })
  })
})
