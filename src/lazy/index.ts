// Parts of the SDK that most page views never need, loaded on first use so the
// first layer stays small (the size budget in package.json; docs/architecture.md): the extras (preference
// centre, embed placeholders, clean-up), the floating button (after a decision), receipts (after a decision, only when
// `receipts.endpoint` is set) and the config's check (at start, unless the consent cookie vouches for the config). The npm build splits them with import(); the
// script-tag build swaps this file for ./script.ts (rollup.config.mjs).

import type { TextTree } from '../config/types.js'
import { LOCALE_CHUNKS } from '../i18n/chunks.js'

export type Extras = typeof import('./extras.js')

export const loadExtras = (): Promise<Extras> => import('./extras.js')
export type Check = typeof import('./check.js')
export const loadCheck = (): Promise<Check> => import('./check.js')
export type Reopen = typeof import('./reopen.js')
export const loadReopen = (): Promise<Reopen> => import('./reopen.js')
export type ReceiptsChunk = Pick<typeof import('../receipts/client.js'), 'startReceipts'>
export const loadReceipts = (): Promise<ReceiptsChunk> => import('../receipts/client.js')

/**
 * The npm build's shipped locales, each its own chunk (src/i18n/chunks.ts), so an app's bundler
 * splits them with no copying; the script-tag builds fetch them beside the tag (script.ts).
 */
export const localeChunk: ((lang: string) => Promise<TextTree | undefined>) | undefined = (lang) =>
  LOCALE_CHUNKS[lang]!().then(
    (m) => m.default,
    (error: Error) => {
      // A chunk that is gone (an old page after a deploy) shows English, never no banner.
      console.warn(`Consentry: could not load the ${lang} texts (${error.message}); showing English.`)
      return undefined
    },
  )

/** Where the script-tag build finds its chunk files; unused by the npm build. */
export function setChunkBase(_url: string | undefined, _nonce: string | undefined): void {}

/** Auto-blocking (docs/auto-blocking.md): part of this bundle, it starts at once. */
import { byInsertion as sortByInsertion } from '../effects/autoblock.js'
export { autoBlock as startAutoBlock } from '../effects/autoblock.js'
/** Sorts gated scripts by insertion; the plain script-tag build has none (script.ts), so callers guard. */
export const byInsertion: ((list: Element[]) => void) | undefined = sortByInsertion

/** IAB TCF (docs/tcf.md): its own chunk, loaded only when the config has `tcf`. */
export const startTcf = (host: import('../tcf/cmp.js').TcfHost): (() => void) => {
  const started = import('../tcf/cmp.js').then((m) => m.startTcf(host), reportError)
  // Stopped before the chunk arrived: the session starts, then stops at once.
  return () => void started.then((session) => session?.stop())
}
