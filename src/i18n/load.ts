import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { LOCALES, negotiate } from './negotiate.js'

/**
 * Which language to show. `language.autoDetect` (default "document"): the page's
 * `<html lang>`, then the browser's languages, then `language.default`; "browser"
 * skips the page's; false shows `language.default` alone.
 */
export function chooseLanguage(config: Resolved): string {
  const { language } = config.source
  const detect = language?.autoDetect ?? 'document'
  const available = [...LOCALES, ...Object.keys(config.source.translations ?? {})]
  const wanted: string[] = []
  if (detect === 'document') wanted.push(document.documentElement.lang)
  if (detect) wanted.push(...navigator.languages)
  if (language?.default) wanted.push(language.default)
  return negotiate(wanted, available, 'en')
}

/**
 * The locale file for `lang`, fetched from the folder `baseUrl`, ending in "/"
 * (dist/locales/ beside the script; absolute, root-relative like "/locales/" or
 * relative to the page: fetch resolves it against the page). English is bundled;
 * a language given only in config needs no fetch. A failed fetch falls back to
 * English with a warning, never to no banner.
 */
export async function loadLocale(lang: string, baseUrl: string | undefined): Promise<TextTree | undefined> {
  if (lang === 'en' || !LOCALES.includes(lang) || !baseUrl) return undefined
  try {
    const response = await fetch(baseUrl + lang + '.json')
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const texts: unknown = await response.json()
    if (!texts || typeof texts !== 'object') throw new Error('not a JSON object')
    return texts as TextTree
  } catch (error) {
    console.warn(`Consentry: could not load ${lang}.json from ${baseUrl} (${(error as Error).message}); showing English.`)
    return undefined
  }
}
