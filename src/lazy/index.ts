// Parts of the SDK that most page views never need, loaded on first use so the
// first layer stays small (DESIGN.md §9 size budget): the preference centre
// (after a click, preloaded when the banner shows) and receipts (after a decision,
// only when `receipts.endpoint` is set). The npm build splits them with import();
// the script-tag build swaps this file for ./script.ts (rollup.config.mjs).

import type { StartReceipts } from '../receipts/client.js'
import type { RenderPreferences } from '../ui/preferences-entry.js'

export const loadPreferences = (): Promise<RenderPreferences> => import('../ui/preferences-entry.js').then((m) => m.renderPreferences)
export const loadReceipts = (): Promise<StartReceipts> => import('../receipts/client.js').then((m) => m.startReceipts)

/** Where the script-tag build finds its chunk files; unused by the npm build. */
export function setChunkBase(_url: string | undefined, _nonce: string | undefined): void {}
