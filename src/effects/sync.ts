// Cross-tab sync (issue 6): a decision (or reset) in one tab is announced on a
// BroadcastChannel named after the consent cookie, with the cookie value it wrote;
// the other tabs of the origin take it, so their state, gated scripts and UI follow
// without a reload.

/** Returns `announce(cookieValue)` (call it after a decision) and `stop`. */
export function crossTab(cookieName: string, onOther: (cookieValue: string) => void): { announce(value: string): void; stop(): void } {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('consentry:' + cookieName) : undefined
  if (channel) channel.onmessage = (event) => typeof event.data === 'string' && onOther(event.data)
  return { announce: (value) => channel?.postMessage(value), stop: () => channel?.close() }
}
