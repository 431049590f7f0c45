// Parts of the SDK that most page views never need, loaded on first use so the
// first layer stays small (DESIGN.md §9 size budget): the extras (preference
// centre, embed placeholders, clean-up) and receipts (after a decision, only when
// `receipts.endpoint` is set). The npm build splits them with import(); the
// script-tag build swaps this file for ./script.ts (rollup.config.mjs).

export type Extras = typeof import('./extras.js')
export type { StartReceipts } from '../receipts/client.js'

export const loadExtras = (): Promise<Extras> => import('./extras.js')
export const loadReceipts = (): Promise<import('../receipts/client.js').StartReceipts> => import('../receipts/client.js').then((m) => m.startReceipts)

/** Where the script-tag build finds its chunk files; unused by the npm build. */
export function setChunkBase(_url: string | undefined, _nonce: string | undefined): void {}
