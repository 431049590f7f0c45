import type { UiConfig } from '../config/types.js'
import type { ConsentState } from '../core/state.js'

/**
 * Whether the floating button is on the page (docs/architecture.md, "Fair choice"): after a
 * decision, by default, unless `ui.floatingButton` is false or the page has its own way back
 * (`data-consentry="preferences"`). A decision Global Privacy Control made shows it whatever
 * the config says: its text is the visible confirmation that the signal was honoured
 * (docs/regions.md).
 */
export const reopenShown = (ui: UiConfig, consent: ConsentState): boolean =>
  consent.decided && (consent.source === 'gpc' || (ui.floatingButton !== false && !document.querySelector('[data-consentry=preferences]')))
