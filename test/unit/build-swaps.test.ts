// The script-tag builds swap modules at build time (rollup.config.mjs): the lazy loader
// (src/lazy/index.ts → script.ts, script-autoblock.ts or script-tcf.ts) and, without TCF, the TCF hook and
// config shape (→ src/tcf/none.ts), and the validator's words (src/config/messages.ts →
// messages-short.ts), and the API's SSR check (src/has-dom.ts → has-dom-page.ts). A swapped
// module must offer what the original does,
// or a build would break only where it is used. The type checks below run under
// `npm run typecheck`; the name checks at test time.
import { expect, test } from 'vitest'
import * as messages from '../../src/config/messages.js'
import * as messagesShort from '../../src/config/messages-short.js'
import type * as shape from '../../src/config/tcf-shape.js'
import * as hasDom from '../../src/has-dom.js'
import * as hasDomPage from '../../src/has-dom-page.js'
import * as lazy from '../../src/lazy/index.js'
import * as script from '../../src/lazy/script.js'
import * as scriptAutoblock from '../../src/lazy/script-autoblock.js'
import * as scriptTcf from '../../src/lazy/script-tcf.js'
import type * as hook from '../../src/tcf/hook.js'
import * as none from '../../src/tcf/none.js'

// Each swap must be assignable where the original is used.
const swaps: [typeof lazy, typeof lazy, typeof lazy, Pick<typeof hook, 'tcfHook'>, Pick<typeof shape, 'tcfShape'>] = [
  script,
  scriptAutoblock,
  scriptTcf,
  none,
  none,
]

test('the script-tag loaders export the same names as the npm loader', () => {
  const names = (m: object) => Object.keys(m).sort()
  expect(names(swaps[0])).toEqual(names(lazy))
  expect(names(swaps[1])).toEqual(names(lazy))
  expect(names(swaps[2])).toEqual(names(lazy))
  // The TCF build's check knows the `tcf` key; the plain builds' does not.
  expect(scriptTcf.loadCheck).not.toBe(script.loadCheck)
})

test('the no-TCF stand-in exports what the plain builds import from the TCF modules', () => {
  expect(typeof swaps[3].tcfHook).toBe('function')
  expect(swaps[4].tcfShape).toEqual({})
})

test('the short config messages stand in for every name of the full ones, with no description', () => {
  const short: typeof messages = messagesShort
  expect(Object.keys(short).sort()).toEqual(Object.keys(messages).sort())
  expect(Object.keys(short.WORDS)).toEqual(Object.keys(messages.WORDS))
  expect(Object.values(short.WORDS).filter(Boolean)).toEqual([])
})

test("the script-tag builds' page check stands in for the SSR one, and always finds a page", () => {
  const page: typeof hasDom = hasDomPage
  expect(Object.keys(page)).toEqual(Object.keys(hasDom))
  expect(page.hasDom()).toBe(true)
  expect(hasDom.hasDom()).toBe(true)
})
