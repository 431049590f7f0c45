import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { $consent } from '../core/state.js'
import { RTL } from '../i18n/negotiate.js'
import { loadPreferences } from '../lazy/index.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import { el } from './dom.js'
import { lookup } from '../i18n/lookup.js'
import { activeElement } from './focus.js'
import type { RenderPreferences } from './preferences-entry.js'
import { $view } from './view.js'

/** Runs `fn` once `<body>` exists: at once, or as soon as the parser creates it. */
function whenBody(fn: () => void): void {
  if (document.body) return fn()
  const observer = new MutationObserver(() => {
    if (document.body) {
      observer.disconnect()
      fn()
    }
  })
  observer.observe(document.documentElement, { childList: true })
}

/** A cookie-and-check mark; an inline SVG is markup, not a style, so CSP allows it. */
const ICON = () => {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('aria-hidden', 'true')
  svg.innerHTML = '<path fill="currentColor" d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5Zm-3.5 9a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm1 5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm6 1a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Z"/>'
  return svg
}

/**
 * While the bar covers the top or bottom of the page, scroll-padding keeps the
 * element that has focus out from under it (WCAG 2.4.11 Focus Not Obscured).
 * Set through CSSOM, which a strict CSP allows.
 */
function padScroll(banner: HTMLElement): void {
  const style = document.documentElement.style
  const bottom = banner.classList.contains('bottom')
  const size = banner.isConnected && !banner.classList.contains('box') ? `${banner.offsetHeight}px` : ''
  if (bottom) style.scrollPaddingBottom = size
  else style.scrollPaddingTop = size
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
 * `<div id="consentry-root">` at the end of `<body>` with an open shadow root
 * (DESIGN.md §2), kept in step with `$view` and `$consent`. Returns a function
 * that removes it.
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
  const layer = document.createElement('div')
  // Decisions are announced politely to screen readers (WCAG 4.1.3).
  const status = el('p', { role: 'status', class: 'sr' })
  const floating = ui.floatingButton
  const label = floating?.label ?? lookup(texts, 'floating.label') ?? ''
  const reopen =
    floating &&
    el(
      'button',
      {
        type: 'button',
        part: 'button floating-button',
        class: `floating ${floating.position ?? 'bottom-left'}`,
        'data-action': 'preferences',
        'aria-label': floating.iconOnly ? label : undefined,
        onclick: actions.openPreferences,
      },
      ICON(),
      !floating.iconOnly && label,
    )
  shadow.append(layer, status)
  let lastDecision = $consent.get().updatedAt

  let renderPreferences: RenderPreferences | undefined
  let returnTo: HTMLElement | null = null
  let dialogOpen = false
  const preload = () =>
    loadPreferences().then(
      (render) => {
        renderPreferences = render
        draw()
      },
      (error: Error) => {
        console.error(error.message)
        if ($view.get() === 'preferences') $view.set($consent.get().decided ? 'hidden' : 'banner')
      },
    )

  // Synchronous on every store change: the banner is in the frame that shows
  // the page, and gone in the frame after a click.
  const draw = () => {
    const view = $view.get()
    const consent = $consent.get()
    const prefs = view === 'preferences'
    if (prefs && !dialogOpen && !returnTo) returnTo = activeElement() as HTMLElement | null
    if (prefs && !renderPreferences) void preload()
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
    renderPreferences?.(layer, prefs ? { config, texts, consent, actions } : null)
    if (reopen) {
      if (view === 'hidden' && consent.decided) shadow.append(reopen)
      else reopen.remove()
    }
    if (consent.updatedAt !== lastDecision) {
      lastDecision = consent.updatedAt
      status.textContent = lookup(texts, 'preferences.saved') ?? ''
    }
    padScroll(banner)
    const dialog = layer.querySelector<HTMLElement>('[part~=preferences]')
    // Focus moves into the dialog when it opens and back where it was when it closes (WCAG 2.4.3).
    if (dialog && !dialogOpen) dialog.focus()
    if (!dialog && dialogOpen && returnTo?.isConnected) returnTo.focus()
    if (!dialog) returnTo = null
    dialogOpen = !!dialog
  }

  let stop: (() => void)[] = []
  let removed = false
  whenBody(() => {
    if (removed) return
    document.body.append(host)
    stop = [$view.listen(draw), $consent.listen(draw)]
    draw()
    // Most visitors decide on the first layer; fetch the second when the page is idle.
    if ($view.get() === 'banner') setTimeout(() => void preload(), 1500)
  })
  return () => {
    removed = true
    stop.forEach((fn) => fn())
    renderPreferences?.(layer, null)
    host.remove()
    padScroll(banner)
  }
}
