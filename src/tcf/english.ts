// The TCF layer's English labels inside the code: in the npm build (and tests). The
// script-tag chunk (dist/consentry-tcf.js) has this module swapped for ./fetched.ts
// (rollup.config.mjs) and fetches English like every other language from
// locales/tcf/en.json beside it, to stay within its size budget (docs/tcf.md).
import english from '../../locales/tcf/en.json'

export default english as Record<string, string> | undefined

type Labels = () => Promise<{ default: Record<string, string> }>

/**
 * The other languages' labels, each its own chunk, so that an app's bundler ships them with nothing
 * to copy (as the UI's locales, src/i18n/chunks.ts); used when config `language.path` is not set.
 */
export const LABEL_CHUNKS: Record<string, Labels> | undefined = {
  ar: () => import('../../locales/tcf/ar.json'),
  bg: () => import('../../locales/tcf/bg.json'),
  bs: () => import('../../locales/tcf/bs.json'),
  ca: () => import('../../locales/tcf/ca.json'),
  cs: () => import('../../locales/tcf/cs.json'),
  da: () => import('../../locales/tcf/da.json'),
  de: () => import('../../locales/tcf/de.json'),
  el: () => import('../../locales/tcf/el.json'),
  es: () => import('../../locales/tcf/es.json'),
  'es-419': () => import('../../locales/tcf/es-419.json'),
  et: () => import('../../locales/tcf/et.json'),
  eu: () => import('../../locales/tcf/eu.json'),
  fa: () => import('../../locales/tcf/fa.json'),
  fi: () => import('../../locales/tcf/fi.json'),
  fr: () => import('../../locales/tcf/fr.json'),
  ga: () => import('../../locales/tcf/ga.json'),
  gl: () => import('../../locales/tcf/gl.json'),
  he: () => import('../../locales/tcf/he.json'),
  hr: () => import('../../locales/tcf/hr.json'),
  hu: () => import('../../locales/tcf/hu.json'),
  is: () => import('../../locales/tcf/is.json'),
  it: () => import('../../locales/tcf/it.json'),
  ja: () => import('../../locales/tcf/ja.json'),
  ko: () => import('../../locales/tcf/ko.json'),
  lt: () => import('../../locales/tcf/lt.json'),
  lv: () => import('../../locales/tcf/lv.json'),
  mt: () => import('../../locales/tcf/mt.json'),
  nb: () => import('../../locales/tcf/nb.json'),
  nl: () => import('../../locales/tcf/nl.json'),
  pl: () => import('../../locales/tcf/pl.json'),
  pt: () => import('../../locales/tcf/pt.json'),
  'pt-BR': () => import('../../locales/tcf/pt-BR.json'),
  ro: () => import('../../locales/tcf/ro.json'),
  ru: () => import('../../locales/tcf/ru.json'),
  sk: () => import('../../locales/tcf/sk.json'),
  sl: () => import('../../locales/tcf/sl.json'),
  sr: () => import('../../locales/tcf/sr.json'),
  sv: () => import('../../locales/tcf/sv.json'),
  tr: () => import('../../locales/tcf/tr.json'),
  uk: () => import('../../locales/tcf/uk.json'),
  'zh-CN': () => import('../../locales/tcf/zh-CN.json'),
  'zh-TW': () => import('../../locales/tcf/zh-TW.json'),
}
