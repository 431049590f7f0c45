// The words of the TCF layers around the vendor list's own texts (docs/tcf.md, "What the
// visitor sees"). Purposes, features, stacks and data categories come from the vendor list
// and its translations (purposes-<lang>.json); these are the labels around them, one file per
// shipped language in locales/tcf/, fetched by the TCF chunk (so the first view of a site
// without `tcf` carries none of them). A site rewords them key by key under
// `translations.<lang>.tcf` in its config.

import type { TextTree } from '../config/types.js'
import english from './english.js'

export type TcfTextKey = keyof typeof import('../../locales/tcf/en.json')

/**
 * The text for `key` from the first of `trees` that has it (the site's own words for the UI's
 * language, the shipped translation, English), or English inside the code (npm build); `{count}` filled in.
 */
export const tcfText =
  (...trees: (TextTree | string | undefined)[]) =>
  (key: TcfTextKey, count?: number): string => {
    const text = [...trees, english].map((tree) => typeof tree === 'object' && tree[key]).find((value) => typeof value === 'string') as string
    return count === undefined ? text : text.replace('{count}', String(count))
  }
