// Cross-tab sync (issue 6): a decision (or reset) in one tab is announced on a
// BroadcastChannel named after the consent cookie; the other tabs of the origin
// re-read the cookie, so their state, gated scripts and UI follow without a reload.

/** Returns `announce` (call it after a decision) and `stop`. */
export function crossTab(cookieName: string, onOther: () => void): { announce(): void; stop(): void } {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('consentry:' + cookieName) : undefined
  if (channel) channel.onmessage = onOther
  return { announce: () => channel?.postMessage(1), stop: () => channel?.close() }
}
