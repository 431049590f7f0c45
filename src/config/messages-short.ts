import type * as Full from './messages.js'

// The script-tag builds' stand-in for ./messages.ts (rollup.config.mjs): the same checks, but no
// words for what each key expects, which a visitor's page never needs. A bad config still fails
// closed with one console error naming each path and what is wrong with it; `npx consentry
// validate` (and the npm build) say what was expected.

/** Every description empty (the type keeps the keys in step with messages.ts). */
export const WORDS: typeof Full.WORDS = {
  name: '',
  cookiePattern: '',
  url: '',
  cssValue: '',
  host: '',
  region: '',
  regionKey: '',
  mode: '',
  textKey: '',
  text: '',
  lang: '',
  path: '',
  cookieName: '',
  domain: '',
  cookiePath: '',
  nonce: '',
  vendors: '',
  countryCode: '',
  stamp: '',
  floatingButton: '',
}

export const mismatch: typeof Full.mismatch = () => 'not a valid value'

export const badKey: typeof Full.badKey = () => 'not a valid name'

export const unknownKey: typeof Full.unknownKey = () => 'unknown key'

export const badPlace: typeof Full.badPlace = () => 'not possible with this ui.layout'

export const REQUIRED: string = 'is required'

export const NECESSARY: string = 'cannot be false'

export const AFTER: string = '\n`npx consentry validate <config file>` says what each of them expects.'
