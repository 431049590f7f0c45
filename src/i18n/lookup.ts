import type { TextTree } from '../config/types.js'

/** `lookup(texts, "categories.analytics.title")`, or undefined. */
export function lookup(texts: TextTree, path: string): string | undefined {
  let node: string | TextTree | undefined = texts
  for (const key of path.split('.')) node = typeof node === 'object' ? node[key] : undefined
  return typeof node === 'string' ? node : undefined
}

/** `{service}` and friends replaced; unknown names stay visible rather than vanish. */
export const format = (text: string, values: Record<string, string>): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
