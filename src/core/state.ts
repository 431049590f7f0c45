import { atom } from 'nanostores'
import type { ReceiptEvent, ReceiptSource } from '../receipts/types.js'

/** What `get()` returns and `$consent` holds (README, "API"). */
export interface ConsentState {
  /** Consent id, kept in the cookie and carried by receipts; '' before the first decision. */
  id: string
  /** True once the visitor (or a signal such as GPC) has decided for the current revision. */
  decided: boolean
  /** Every configured category, explicit true/false. */
  categories: Record<string, boolean>
  /** Flat `"category:service"` keys, explicit true/false. */
  services: Record<string, boolean>
  revision: number
  /** ISO time of the decision; null before one. */
  updatedAt: string | null
  source: ReceiptSource | null
}

/** One decision, as receipts and listeners see it. */
export interface Decision {
  state: ConsentState
  previous: ConsentState
  event: ReceiptEvent
  source: ReceiptSource
}

export const emptyState = (): ConsentState => ({
  id: '',
  decided: false,
  categories: { necessary: true },
  services: {},
  revision: 0,
  updatedAt: null,
  source: null,
})

/** The consent store. Subscribe with @nanostores/react, /vue, /preact or `.subscribe()`. */
export const $consent = atom<ConsentState>(emptyState())
