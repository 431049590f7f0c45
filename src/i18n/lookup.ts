import type { TextTree } from '../config/types.js'

/** `lookup(texts, "categories.analytics.title")`, or undefined. */
export function lookup(texts: TextTree, path: string): string | undefined {
  let node: string | TextTree | undefined = texts
  for (const key of path.split('.')) node = typeof node === 'object' ? node[key] : undefined
  return typeof node === 'string' ? node : undefined
}

/** `{service}` and friends replaced; unknown names stay visible rather than vanish. */
export const format = (text: string, values: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)

/** Deep merge of text trees, later ones winning key by key (docs/config.md, translations). */
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
