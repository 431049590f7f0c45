// The script-tag build's loader: each lazy part is a small IIFE beside
// consentry.iife.js that assigns its exports to a window global.

import type { TextTree } from '../config/types.js'
import type { Check, Extras, ReceiptsChunk, Reopen } from './index.js'
import { load } from './load.js'

export { setChunkBase } from './load.js'

export const loadExtras = (): Promise<Extras> => load<Extras>('Extras')

export const loadCheck = (): Promise<Check> => load<Check>('Check')

export const loadReopen = (): Promise<Reopen> => load<Reopen>('Reopen')

export const loadReceipts = (): Promise<ReceiptsChunk> => load<ReceiptsChunk>('Receipts')

type AutoBlock = typeof import('../effects/autoblock.js')

/**
 * Auto-blocking in this build comes as a chunk, loaded when the config asks for it: it
 * holds only what is inserted after it arrived. consentry-autoblock.iife.js has it inside
 * and starts it before the parser goes on (docs/auto-blocking.md).
 */
/** Locales come from locales/ beside the tag (src/i18n/load.ts), not from bundled chunks. */
export const localeChunk: ((lang: string) => Promise<TextTree | undefined>) | undefined = undefined

/** Gated scripts keep document order here; the auto-blocking build sorts them by insertion. */
export const byInsertion: ((list: Element[]) => void) | undefined = undefined

export const startAutoBlock = (...args: Parameters<AutoBlock['autoBlock']>): (() => void) => {
  const started = load<AutoBlock>('AutoBlock').then((m) => m.autoBlock(...args), reportError)
  // Stopped before the chunk arrived: it starts, then stops at once.
  return () => void started.then((stop) => stop?.())
}

/** IAB TCF (docs/tcf.md): consentry-tcf.js, loaded only when the config has `tcf`. */
export const startTcf = (host: import('../tcf/cmp.js').TcfHost): (() => void) => {
  const started = load<typeof import('../tcf/cmp.js')>('Tcf').then((m) => m.startTcf(host), reportError)
  // Stopped before the chunk arrived: the session starts, then stops at once.
  return () => void started.then((session) => session?.stop())
}
