import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { localeChunk } from '../lazy/index.js'
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
 * The texts of `lang`: from the folder `baseUrl` (ending in "/") when there is one — config
 * `language.path`, absolute, root-relative like "/locales/" or relative to the page (fetch resolves
 * it against the page), else locales/ beside the script tag — and otherwise, in the npm build, from
 * the locale's own chunk (src/i18n/chunks.ts), which the app's bundler ships without copying.
 * English is bundled; a language given only in config needs no file. A file that fails to load
 * falls back to English with a warning, never to no banner.
 */
export async function loadLocale(lang: string, baseUrl: string | undefined): Promise<TextTree | undefined> {
  if (lang === 'en' || !LOCALES.includes(lang)) return undefined
  // Written so that the script-tag builds, whose localeChunk is undefined, drop the line.
  if (localeChunk && !baseUrl) return localeChunk(lang)
  if (!baseUrl) return undefined
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
