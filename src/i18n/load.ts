import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { LOCALES, negotiate } from './negotiate.js'

/** Which language to show: config default, else `<html lang>` or the browser's list when asked to. */
export function chooseLanguage(config: Resolved): string {
  const { language } = config.source
  const available = [...LOCALES, ...Object.keys(config.source.translations ?? {})]
  const wanted: string[] = []
  if (language?.autoDetect === 'document') wanted.push(document.documentElement.lang)
  if (language?.autoDetect === 'browser') wanted.push(...navigator.languages)
  if (language?.default) wanted.push(language.default)
  return negotiate(wanted, available, 'en')
}

/**
 * The locale file for `lang`, fetched from `baseUrl` (dist/locales/ beside the
 * script). English is bundled; a language given only in config needs no fetch.
 * A failed fetch falls back to English with a warning, never to no banner.
 */
export async function loadLocale(lang: string, baseUrl: string | undefined): Promise<TextTree | undefined> {
  if (lang === 'en' || !LOCALES.includes(lang) || !baseUrl) return undefined
  try {
    const response = await fetch(new URL(`${lang}.json`, baseUrl))
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const texts: unknown = await response.json()
    if (!texts || typeof texts !== 'object') throw new Error('not a JSON object')
    return texts as TextTree
  } catch (error) {
    console.warn(`Consentry: could not load ${lang}.json from ${baseUrl} (${(error as Error).message}); showing English.`)
    return undefined
  }
}
