import { afterPaint } from './after-paint.js'

// Cross-tab sync (README, "API"; docs/architecture.md, "Stored state"): a decision (or reset) in one tab reaches the other tabs
// of the origin, with the cookie value it wrote, so their state, gated scripts and UI
// follow without a reload.
//
// Through a `storage` event rather than a BroadcastChannel: opening a channel on
// every page view costs time and heap (test/bench/README.md, "Figures behind design choices"). The
// key is written and removed at once: each write is a change (so it always fires), and
// nothing stays in the visitor's storage.
//
// Adding the listener is not free either: Chromium sets up the page's localStorage and
// sessionStorage for it (same section of test/bench/README.md).
// So it waits a second, off the first paint, like the receipts' idle work; a decision
// another tab made meanwhile is caught up from the cookie when the listener goes on.
const LISTEN_AFTER_MS = 1000

/**
 * Returns `announce(cookieValue)` (call it after a decision) and `stop`. `onOther`
 * gets the value another tab wrote, or undefined for the catch-up: read the cookie.
 */
export const crossTab = (cookieName: string, onOther: (cookieValue?: string) => void): { announce(value: string): void; stop(): void } => {
  const key = 'consentry:sync:' + cookieName
  // The removal fires a second event with newValue null: nothing to take from it.
  const listener = (event: StorageEvent) => event.key === key && event.newValue !== null && onOther(event.newValue)
  const timer = setTimeout(() => {
    addEventListener('storage', listener)
    onOther()
  }, LISTEN_AFTER_MS)
  return {
    // After the click's frame: the page's first use of localStorage is slow (Chromium loads the
    // origin's storage then), and other tabs can wait a frame.
    announce: (value) =>
      afterPaint(() => {
        try {
          localStorage.setItem(key, value)
          localStorage.removeItem(key)
        } catch {
          // storage disabled or full: other tabs catch up on their next page view
        }
      }),
    stop() {
      clearTimeout(timer)
      removeEventListener('storage', listener)
    },
  }
}
