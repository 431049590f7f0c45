/**
 * Resolves once `<body>` exists: at once, or when the parser creates it (the
 * tag sits first in `<head>`, README, "Script tag quick start"). A mutation observer's callback is
 * a microtask of the parser's own task, so whatever the caller does then is in
 * the DOM before the page's first frame: the banner is part of the first paint.
 */
export function whenBody(): Promise<void> {
  return new Promise((resolve) => {
    if (document.body) return resolve()
    const observer = new MutationObserver(() => {
      if (!document.body) return
      observer.disconnect()
      resolve()
    })
    observer.observe(document.documentElement, { childList: true })
  })
}
