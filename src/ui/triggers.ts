import type { UiActions } from './actions.js'

const ACTIONS = ['preferences', 'accept-all', 'reject-all', 'do-not-sell']

/**
 * `data-consentry="preferences" | "accept-all" | "reject-all" | "do-not-sell"` on any element
 * of the page: a way back to the choice that stays where the site puts it (withdrawal as easy
 * as giving, GDPR Art. 7(3); the CCPA's "Do Not Sell or Share" link, docs/regions.md).
 * Returns the function that stops it.
 */
export function listenForTriggers(actions: UiActions): () => void {
  const onClick = (event: MouseEvent) => {
    const action = (event.target as Element | null)?.closest?.('[data-consentry]')?.getAttribute('data-consentry')
    if (!action || !ACTIONS.includes(action)) return
    event.preventDefault()
    if (action === 'preferences') actions.openPreferences()
    else if (action === 'accept-all') actions.acceptAll('api')
    else if (action === 'do-not-sell') actions.doNotSell('api')
    else actions.rejectAll('api')
  }
  document.addEventListener('click', onClick)
  return () => document.removeEventListener('click', onClick)
}
