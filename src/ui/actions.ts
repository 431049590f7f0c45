import type { StoredReceipt } from '../receipts/client.js'
import type { ReceiptSource } from '../receipts/types.js'

/** What the UI may ask of the SDK: store actions only, never state surgery. */
export interface UiActions {
  acceptAll(source: ReceiptSource): void
  rejectAll(source: ReceiptSource): void
  /** "Do Not Sell or Share My Personal Information": advertising off, the rest as it is (docs/regions.md). */
  doNotSell(source: ReceiptSource): void
  save(choice: Record<string, boolean>, source: ReceiptSource): void
  openPreferences(): void
  /** Closes the preference centre without deciding anything. */
  closePreferences(): void
  /** This browser's receipts, for "Download my consent history" ([] when receipts are off). */
  receipts(): Promise<StoredReceipt[]>
}
