import type { UiConfig } from '../config/types.js'

/**
 * While the bar covers the top or bottom of the page, the page's scroll-padding
 * keeps the element that has focus out from under it (WCAG 2.4.11 Focus Not
 * Obscured). It is set from the visitor's first key press on: only keyboard
 * focus moves need it, and setting it at start-up made every page view lay the
 * whole page out a second time (the root's style changed after the first
 * layout: test/bench/README.md). A keydown comes before the focus move it causes, so the
 * padding is there when the browser scrolls. Then a ResizeObserver follows the
 * bar: it wraps on a narrow screen, and a removed bar has no height. Set through
 * CSSOM, which a strict CSP allows. Returns a function that stops and clears it.
 */
export function padScrollOnKeyboard(bar: HTMLElement, position: UiConfig['position']): () => void {
  const side = position === 'top' ? 'scrollPaddingTop' : 'scrollPaddingBottom'
  // The root's style object is fetched on use, not here: at start-up it made every page
  // view build CSSStyleDeclaration's bindings, 2.5 KB of heap (832.4 -> 829.9 KB on the
  // bench page without its probe, whose getComputedStyle() builds them anyway).
  const pad = (height: number) => (document.documentElement.style[side] = height > 0 ? `${Math.ceil(height)}px` : '')
  const measure = () => pad(bar.getBoundingClientRect().height)
  let sizer: ResizeObserver | undefined
  const start = () => {
    removeEventListener('keydown', start, true)
    measure()
    // Made only now: a ResizeObserver costs the page heap (test/bench/README.md).
    ;(sizer = new ResizeObserver(measure)).observe(bar)
  }
  addEventListener('keydown', start, true)
  return () => {
    removeEventListener('keydown', start, true)
    sizer?.disconnect()
    pad(0)
  }
}
