// The npm build's locales (README, "npm / single-page apps"): one import() per shipped language, so
// that rollup makes each its own chunk (dist/chunks/de-….mjs) and an app's bundler (Vite, Rollup,
// webpack) sees plain dynamic imports it splits the same way, with no plugin and no file to copy:
// a page downloads only the language it shows (test/browser/npm-package.test.ts). The script-tag build fetches locales/<lang>.json
// beside the tag instead (src/lazy/script.ts). English is in the bundle (src/i18n/texts.ts).
import type { TextTree } from '../config/types.js'

type Chunk = () => Promise<{ default: TextTree }>

export const LOCALE_CHUNKS: Record<string, Chunk> = {
  ar: () => import('../../locales/ar.json'),
  bg: () => import('../../locales/bg.json'),
  bs: () => import('../../locales/bs.json'),
  ca: () => import('../../locales/ca.json'),
  cs: () => import('../../locales/cs.json'),
  da: () => import('../../locales/da.json'),
  de: () => import('../../locales/de.json'),
  el: () => import('../../locales/el.json'),
  es: () => import('../../locales/es.json'),
  'es-419': () => import('../../locales/es-419.json'),
  et: () => import('../../locales/et.json'),
  eu: () => import('../../locales/eu.json'),
  fa: () => import('../../locales/fa.json'),
  fi: () => import('../../locales/fi.json'),
  fr: () => import('../../locales/fr.json'),
  ga: () => import('../../locales/ga.json'),
  gl: () => import('../../locales/gl.json'),
  he: () => import('../../locales/he.json'),
  hr: () => import('../../locales/hr.json'),
  hu: () => import('../../locales/hu.json'),
  is: () => import('../../locales/is.json'),
  it: () => import('../../locales/it.json'),
  ja: () => import('../../locales/ja.json'),
  ko: () => import('../../locales/ko.json'),
  lt: () => import('../../locales/lt.json'),
  lv: () => import('../../locales/lv.json'),
  mt: () => import('../../locales/mt.json'),
  nb: () => import('../../locales/nb.json'),
  nl: () => import('../../locales/nl.json'),
  pl: () => import('../../locales/pl.json'),
  pt: () => import('../../locales/pt.json'),
  'pt-BR': () => import('../../locales/pt-BR.json'),
  ro: () => import('../../locales/ro.json'),
  ru: () => import('../../locales/ru.json'),
  sk: () => import('../../locales/sk.json'),
  sl: () => import('../../locales/sl.json'),
  sr: () => import('../../locales/sr.json'),
  sv: () => import('../../locales/sv.json'),
  tr: () => import('../../locales/tr.json'),
  uk: () => import('../../locales/uk.json'),
  'zh-CN': () => import('../../locales/zh-CN.json'),
  'zh-TW': () => import('../../locales/zh-TW.json'),
}
