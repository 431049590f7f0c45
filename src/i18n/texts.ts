// Only the English texts the main bundle shows are imported here; the preference
// centre's chunk brings its own (ui/preferences-entry.tsx), so they cost nothing
// to visitors who never open it.
import { banner, notice, usPrivacy } from '../../locales/en.json'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { mergeTexts } from './lookup.js'

/**
 * The texts shown for `lang`: English, then the locale file, then titles and
 * descriptions written on categories and services, then `translations[lang]`.
 * A service's own texts are kept by its key (`declared.<category:service>`): two
 * categories may each have a service of the same name. ./service-text.ts reads them.
 */
export function buildTexts(config: Resolved, lang: string, locale: TextTree | undefined): TextTree {
  const fromConfig: TextTree = { categories: {}, declared: {} }
  for (const c of config.categories) {
    ;(fromConfig.categories as TextTree)[c.name] = pick(c.config)
    for (const s of c.services) (fromConfig.declared as TextTree)[s.key] = pick(s.config)
  }
  return mergeTexts({ banner, notice, usPrivacy }, locale, fromConfig, config.source.translations?.[lang])
}

const pick = (from: { title?: string; description?: string }): TextTree => {
  const out: TextTree = {}
  if (from.title) out.title = from.title
  if (from.description) out.description = from.description
  return out
}
