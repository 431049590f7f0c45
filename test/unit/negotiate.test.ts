import { readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { LOCALES, negotiate } from '../../src/i18n/negotiate.js'

describe('language negotiation', () => {
  test.each([
    [['de-AT'], 'de'],
    [['pt-BR'], 'pt-BR'],
    [['pt-PT'], 'pt'],
    [['pt'], 'pt'],
    [['es-MX'], 'es-419'],
    [['es-419'], 'es-419'],
    [['es-ES'], 'es'],
    [['zh'], 'zh-CN'],
    [['zh-Hans-CN'], 'zh-CN'],
    [['zh-Hant'], 'zh-TW'],
    [['zh-HK'], 'zh-TW'],
    [['no'], 'nb'],
    [['nn-NO'], 'nb'],
    [['FR_ca'], 'fr'],
    [['xx', 'it-CH'], 'it'],
    [['xx'], 'en'],
    [[''], 'en'],
  ])('%j → %s', (wanted, expected) => {
    expect(negotiate(wanted, LOCALES, 'en')).toBe(expected)
  })

  test("LOCALES lists exactly the files in locales/ (locales/tcf/ holds the TCF layer's labels)", () => {
    const files = readdirSync('locales')
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
    expect([...LOCALES].sort()).toEqual(files.sort())
  })
})
