import type { Resolved } from './config/resolve.js'
import type { PartialChoice } from './core/choice.js'
import { takesBack } from './core/choice.js'
import type { Consent } from './core/consent.js'
import { $consent, type ConsentState, type Decision } from './core/state.js'
import { loadExtras } from './lazy/index.js'
import { noteDecision } from './receipts/notes.js'
import type { ReceiptSource } from './receipts/types.js'
import { $view } from './ui/view.js'

export type Decide = (partial: PartialChoice | boolean, from: ReceiptSource) => ConsentState

/**
 * What one decision of the visitor (a button, a placeholder, the API, GPC) sets in motion, in this
 * order: the stored choice, the UI, the other tabs, the receipt (noted synchronously, so a page
 * closed at once loses none: docs/receipts.md), the page's listeners, and, for a withdrawal, the
 * clean-up of what the withdrawn services left. `announce` tells the other tabs (sync.ts); `record`
 * signs and sends the noted decision (the lazy receipts chunk), absent without receipts; `emit`
 * tells the page's `on('decision')` listeners. (Parameters, not an options object: their names
 * would stay in the first view's bytes.)
 */
export const decider =
  (
    config: Resolved,
    consent: Consent,
    announce: (stored: string) => void,
    record: (() => void) | undefined | false,
    emit: (decision: Decision) => void,
    report: (error: Error) => void,
  ): Decide =>
  (partial, from) => {
    const decision = consent.decide(partial, from)
    // A placeholder's partial choice leaves the first layer up for the rest.
    $view.set(consent.ask ? 'banner' : 'hidden')
    if (!decision) return $consent.get()
    announce(consent.stored())
    if (record) {
      noteDecision(decision)
      record()
    }
    emit(decision)
    // The clean-up code comes with the extras chunk. A script that already ran cannot be
    // un-run; a reload can stop it (config cleanup.reload).
    if (takesBack(decision.previous, decision.state))
      void loadExtras().then(({ cleanUp }) => {
        try {
          cleanUp(config, decision.previous, decision.state)
        } catch {
          // cookies or storage blocked (sandboxed frame): nothing to delete
        }
        if (config.source.cleanup?.reload && from !== 'gpc') location.reload()
      }, report)
    return decision.state
  }
