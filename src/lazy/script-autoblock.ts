// The loader of consentry-autoblock.iife.js: the script-tag build's lazy parts, with
// auto-blocking inside, so it starts while the page is still parsing (docs/auto-blocking.md).
export { setChunkBase, loadCheck, loadExtras, loadReopen, loadReceipts, startTcf, localeChunk } from './script.js'
export { autoBlock as startAutoBlock, byInsertion } from '../effects/autoblock.js'
