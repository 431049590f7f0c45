import type { Resolved } from '../config/resolve.js'
import type { TextTree, UiConfig } from '../config/types.js'
import { $consent } from '../core/state.js'
import { RTL } from '../i18n/negotiate.js'
import { loadExtras, prefetchExtras } from '../lazy/index.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import { el } from './dom.js'
import { lookup } from '../i18n/lookup.js'
import type { SecondLayer } from './second-layer.js'
import { $view } from './view.js'

/**
 * While the bar covers the top or bottom of the page, scroll-padding keeps the
 * element that has focus out from under it (WCAG 2.4.11 Focus Not Obscured).
 * Set through CSSOM, which a strict CSP allows.
 */
function padScroll(height: number, ui: UiConfig): void {
  const style = document.documentElement.style
  const size = height > 0 ? `${Math.ceil(height)}px` : ''
  if (ui.position === 'top') style.scrollPaddingTop = size
  else style.scrollPaddingBottom = size
}

/**
 * Keeps the page's scroll-padding at the bar's height from the visitor's first
 * key press on. Only keyboard focus moves need it, and setting it at start-up
 * made every page view lay the whole page out a second time (the root's style
 * changes after the first layout: issue 8). A keydown comes before the focus
 * move it causes, so the padding is there when the browser scrolls to it.
 * Returns a function that stops and clears it.
 */
function padScrollOnKeyboard(bar: HTMLElement, ui: UiConfig): () => void {
  let sizer: ResizeObserver | undefined
  const start = () => {
    removeEventListener('keydown', start, true)
    padScroll(bar.getBoundingClientRect().height, ui)
    // Then follow the bar: it wraps on a narrow screen, and goes (a removed element is reported with no size).
    sizer = new ResizeObserver(([entry]) => padScroll(entry?.borderBoxSize[0]?.blockSize ?? 0, ui))
    sizer.observe(bar)
  }
  addEventListener('keydown', start, true)
  return () => {
    removeEventListener('keydown', start, true)
    sizer?.disconnect()
    padScroll(0, ui)
  }
}

export interface MountOptions {
  config: Resolved
  /** From sheet.ts, shared with the placeholders. */
  styles: CSSStyleSheet
  texts: TextTree
  lang: string
  actions: UiActions
}

/**
 * `<div id="consentry-root">` at the end of `<body>`, which must exist (the
 * caller waits for it: body.ts), with an open shadow root (DESIGN.md §2), kept
 * in step with `$view` and `$consent`. Returns a function that removes it.
 */
export function mount({ config, styles, texts, lang, actions }: MountOptions): () => void {
  const host = document.createElement('div')
  host.id = 'consentry-root'
  host.lang = lang
  host.dir = RTL.includes(lang.split('-')[0]) ? 'rtl' : 'ltr'
  host.setAttribute('data-scheme', config.source.ui?.theme?.scheme ?? 'light')
  const shadow = host.attachShadow({ mode: 'open' })
  shadow.adoptedStyleSheets = [styles]

  const ui = config.source.ui ?? {}
  const banner = Banner({
    texts,
    layout: ui.layout ?? 'bar',
    position: ui.position ?? 'bottom',
    blocking: !!ui.blocking,
    policyUrl: config.policyUrl,
    actions,
  })
  // Decisions are announced politely to screen readers (WCAG 4.1.3).
  const status = el('p', { role: 'status', class: 'sr' })
  shadow.append(status)
  let lastDecision = $consent.get().updatedAt

  // The preference centre and floating button come with the extras chunk.
  let second: SecondLayer | undefined
  let loading = false
  const load = () => {
    if (loading) return
    loading = true
    loadExtras().then(
      (extras) => {
        second = extras.secondLayer(shadow, { config, texts, actions })
        draw()
      },
      (error: Error) => {
        loading = false
        console.error(error.message)
        if ($view.get() === 'preferences') $view.set($consent.get().decided ? 'hidden' : 'banner')
      },
    )
  }

  // Synchronous on every store change: the banner is in the frame that shows
  // the page, and gone in the frame after a click.
  const draw = () => {
    const view = $view.get()
    const consent = $consent.get()
    const prefs = view === 'preferences'
    // The first layer stays under the preference centre until the visitor decides.
    if (view === 'banner' || (prefs && !consent.decided)) {
      if (!banner.isConnected) {
        shadow.prepend(banner)
        // A modal first layer covers the page and takes focus; a region does not steal it.
        if (ui.blocking) {
          banner.before(el('div', { class: 'backdrop' }))
          banner.querySelector('button')!.focus()
        }
      }
    } else {
      if (ui.blocking && banner.isConnected) banner.previousElementSibling?.remove()
      banner.remove()
    }
    if (consent.updatedAt !== lastDecision) {
      lastDecision = consent.updatedAt
      status.textContent = lookup(texts, 'banner.saved') ?? ''
    }
    if (prefs || (ui.floatingButton && consent.decided)) load()
    second?.update(view, consent)
  }

  document.body.append(host)
  // A box leaves the page's edges free; a bar covers one.
  const unpad = ui.layout === 'box' ? undefined : padScrollOnKeyboard(banner, ui)
  const stop = [$view.listen(draw), $consent.listen(draw)]
  draw()
  // Most visitors decide on the first layer: the second is only fetched into
  // the cache while the page is idle, and evaluated when it is first opened.
  if ($view.get() === 'banner') setTimeout(prefetchExtras, 1500)
  return () => {
    stop.forEach((fn) => fn())
    second?.remove()
    host.remove()
    unpad?.()
  }
}
