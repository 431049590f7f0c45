// The loader of consentry-tcf.iife.js: the script-tag build's lazy parts, but the config's check
// that knows the `tcf` key (consentry-checktcf.js); the plain builds' check refuses it.
import type { Check } from './index.js'
import { load } from './load.js'

export { setChunkBase, loadExtras, loadReopen, loadReceipts, startTcf, localeChunk, byInsertion, startAutoBlock } from './script.js'

export const loadCheck = (): Promise<Check> => load<Check>('CheckTcf')
