/**
 * Resolves once `<body>` exists: at once, or when the parser creates it (the
 * tag sits first in `<head>`, README, "Script tag quick start"). A mutation observer's callback is
 * a microtask of the parser's own task, so whatever the caller does then is in
 * the DOM before the page's first frame: the banner is part of the first paint.
 */
export function whenBody(): Promise<void> {
  return new Promise((resolve) => {
    // Parsed already (defer, async, the after-paint loader): no first paint to be part of, so the
    // banner is drawn in a task of its own, and the start-up is two short tasks, not one long one.
    if (document.body) return document.readyState === 'loading' ? resolve() : void setTimeout(resolve)
    const observer = new MutationObserver(() => {
      if (!document.body) return
      observer.disconnect()
      resolve()
    })
    observer.observe(document.documentElement, { childList: true })
  })
}
