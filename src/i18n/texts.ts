import en from '../../locales/en.json'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'

export type Texts = typeof en

/** Deep merge of text trees, later ones winning key by key (DESIGN.md §11). */
export function mergeTexts(...trees: (TextTree | undefined)[]): TextTree {
  const out: TextTree = {}
  for (const tree of trees) {
    for (const key in tree) {
      const value = tree[key]
      const prior = out[key]
      out[key] = typeof value === 'object' ? mergeTexts(typeof prior === 'object' ? prior : undefined, value) : value
    }
  }
  return out
}

/**
 * The texts shown for `lang`: English, then the locale file, then titles and
 * descriptions written on categories and services, then `translations[lang]`.
 */
export function buildTexts(config: Resolved, lang: string, locale: TextTree | undefined): TextTree {
  const fromConfig: TextTree = { categories: {}, services: {} }
  for (const c of config.categories) {
    ;(fromConfig.categories as TextTree)[c.name] = pick(c.config)
    for (const s of c.services) (fromConfig.services as TextTree)[s.name] = pick(s.config)
  }
  return mergeTexts(en, locale, fromConfig, config.source.translations?.[lang])
}

const pick = (from: { title?: string; description?: string }): TextTree => {
  const out: TextTree = {}
  if (from.title) out.title = from.title
  if (from.description) out.description = from.description
  return out
}
