// The texts a visitor reads for each service (src/i18n/texts.ts): a service's title and
// description are its own, even when another category has a service of the same name.
import { describe, expect, test } from 'vitest'
import { resolve } from '../../src/config/resolve.js'
import type { Config } from '../../src/config/types.js'
import { serviceText } from '../../src/i18n/service-text.js'
import { buildTexts } from '../../src/i18n/texts.js'

const config: Config = {
  categories: {
    functional: { services: { maps: { title: 'Store finder map', description: 'Shows our shops.' } } },
    advertising: { services: { maps: { title: 'Map ads', description: 'Ads on the map.' } } },
  },
}
const title = (texts: ReturnType<typeof buildTexts>, category: string) => serviceText(texts, `${category}:maps`, 'title')
const description = (texts: ReturnType<typeof buildTexts>, category: string) => serviceText(texts, `${category}:maps`, 'description')

describe('service texts', () => {
  test('two categories with a service of the same name keep their own titles and descriptions', () => {
    const texts = buildTexts(resolve(config, true), 'en', undefined)
    expect(title(texts, 'functional')).toBe('Store finder map')
    expect(title(texts, 'advertising')).toBe('Map ads')
    expect(description(texts, 'functional')).toBe('Shows our shops.')
    expect(description(texts, 'advertising')).toBe('Ads on the map.')
  })

  test('a translation by service name applies to every service of that name; one by its key (category:service), to that one', () => {
    const translated: Config = {
      ...config,
      translations: {
        de: {
          services: { maps: { title: 'Karte' }, 'advertising:maps': { title: 'Kartenwerbung' } },
        },
      },
    }
    const texts = buildTexts(resolve(translated, true), 'de', undefined)
    expect(title(texts, 'functional')).toBe('Karte')
    expect(title(texts, 'advertising')).toBe('Kartenwerbung')
    // Untranslated fields keep the config's own text.
    expect(description(texts, 'functional')).toBe('Shows our shops.')
  })
})
