import { WORDS } from './messages.js'
import { anyOf, bool, int, list, obj, oneOf, record, str, type Rule } from './rules.js'
import { GCM_TYPES, MODES } from './types.js'
import { tcfShape } from './tcf-shape.js'
import { isSafeUrl } from './url.js'

// The config's shape (docs/config.md). Names are part of the public contract.

/** Category and service names end up in cookies, attributes and `has("a:b")`. */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/
const NAME_X = WORDS.name

/** A `/regex/` string must compile; anything else is a literal cookie or key name. */
const isPattern = (value: string): boolean => {
  if (!/^\/.+\/$/.test(value)) return /^[^\s;,=]+$/.test(value)
  try {
    new RegExp(value.slice(1, -1))
    return true
  } catch {
    return false
  }
}
const cookieName = str(WORDS.cookiePattern, undefined, isPattern)

const url = str(WORDS.url, undefined, isSafeUrl)

/** Theme values are written into a stylesheet: nothing that could close a rule. */
const cssValue = str(WORDS.cssValue, /^[#\w\s.,%()'"-]{1,80}$/)

const service: Rule = obj({
  title: str(),
  description: str(),
  provider: str(),
  policyUrl: url,
  retention: str(),
  cookies: list(anyOf(WORDS.cookiePattern, cookieName, obj({ name: cookieName, provider: str(), purpose: str(), duration: str() }, ['name']))),
  storage: list(cookieName),
  domains: list(str(WORDS.host, /^[\w.-]+$/)),
})

const MODE = oneOf(...MODES)
const REGION = str(WORDS.region, /^[A-Za-z]{2}(-\w{1,3})?$/)
const granted = oneOf('granted', 'denied')

// A service's key ("analytics:ga4") names one service's texts (src/i18n/service-text.ts).
export const texts: Rule = record(/^[\w:-]+$/, WORDS.textKey, anyOf(WORDS.text, str()))
// Nested text groups refer to themselves; set after creation to keep `texts` a plain value.
;(texts as { value: Rule }).value = anyOf(WORDS.text, str(), texts)

/**
 * Where each layout can stand (docs/design-system.md): a bar spans the page's width, so
 * only at its top or bottom edge; a cloud is a wide panel, centred; a box goes anywhere.
 * Another pair is a config error at `ui.position` (validate.ts, and the schema: schema.ts).
 */
const EDGES = ['bottom', 'top']
export const POSITIONS: Record<string, string[]> = {
  bar: EDGES,
  box: [...EDGES, 'bottom-left', 'bottom-right', 'middle'],
  cloud: [...EDGES, 'middle'],
}

const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/
const LANG_X = WORDS.lang

export const configShape: Rule = obj({
  $schema: str(),
  revision: int(0),
  checked: str(WORDS.stamp, /^[0-9a-z]{1,7}$/),
  mode: anyOf(WORDS.mode, MODE, record(/^(\*|EEA|[A-Z]{2}(-[A-Z\d]{1,3})?)$/, WORDS.regionKey, MODE)),
  region: REGION,
  autoBlock: bool,
  cleanup: obj({ reload: bool, paths: list(str(WORDS.path, /^\/[^\s;]*$/)) }),
  policyUrl: url,
  cookie: obj({
    name: str(WORDS.cookieName, /^[A-Za-z0-9_-]{1,64}$/),
    domain: str(WORDS.domain, /^\.?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]*$/),
    path: str(WORDS.cookiePath, /^\/[^\s;]*$/),
    sameSite: oneOf('Lax', 'Strict', 'None'),
    secure: bool,
    expiresDays: int(1, 400),
  }),
  categories: record(NAME, NAME_X, obj({ required: bool, title: str(), description: str(), services: record(NAME, NAME_X, service) })),
  google: obj({
    consentMode: bool,
    waitForUpdate: int(0, 10000),
    mapping: record(NAME, NAME_X, list(oneOf(...GCM_TYPES))),
    regions: list(obj({ region: list(REGION), ...Object.fromEntries(GCM_TYPES.map((t) => [t, granted])) }, ['region'])),
    urlPassthrough: bool,
    adsDataRedaction: bool,
  }),
  ...tcfShape,
  receipts: obj({ endpoint: url, controller: str(), policyUrl: url }, ['endpoint']),
  language: obj({
    default: str(LANG_X, LANG),
    autoDetect: oneOf('document', 'browser', false),
    path: url,
  }),
  translations: record(LANG, LANG_X, texts),
  ui: obj({
    layout: oneOf(...Object.keys(POSITIONS)),
    position: oneOf(...POSITIONS.box),
    flipButtons: bool,
    hideFromBots: bool,
    blocking: bool,
    floatingButton: anyOf(WORDS.floatingButton, oneOf(false), obj({ position: oneOf('bottom-left', 'bottom-right'), label: str(), iconOnly: bool })),
    nonce: str(WORDS.nonce, /^[A-Za-z0-9+/=_-]+$/),
    theme: obj({
      scheme: oneOf('light', 'dark', 'auto'),
      accent: cssValue,
      accentText: cssValue,
      background: cssValue,
      text: cssValue,
      radius: cssValue,
      font: cssValue,
    }),
  }),
})
