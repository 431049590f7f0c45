import type { UiActions } from './actions.js'

/**
 * `data-consentry="preferences" | "accept-all" | "reject-all" | "do-not-sell"` on any element
 * of the page: a way back to the choice that stays where the site puts it (withdrawal as easy
 * as giving, GDPR Art. 7(3); the CCPA's "Do Not Sell or Share" link, docs/regions.md).
 * Returns the function that stops it.
 */
export function listenForTriggers(actions: UiActions): () => void {
  const onClick = (event: MouseEvent) => {
    const action = (event.target as Element | null)?.closest?.('[data-consentry]')?.getAttribute('data-consentry')
    // Any other value is not ours: the click goes on as the page meant it.
    const run =
      action === 'preferences'
        ? actions.openPreferences
        : action === 'accept-all'
          ? actions.acceptAll
          : action === 'reject-all'
            ? actions.rejectAll
            : action === 'do-not-sell'
              ? actions.doNotSell
              : undefined
    if (!run) return
    event.preventDefault()
    run('api')
  }
  document.addEventListener('click', onClick)
  return () => document.removeEventListener('click', onClick)
}
