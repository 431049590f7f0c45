import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { $consent } from '../core/state.js'
import { RTL } from '../i18n/negotiate.js'
import { loadPreferences } from '../lazy/index.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import { activeElement } from './focus.js'
import type { RenderPreferences } from './preferences-entry.js'
import css from './styles.css?raw'
import { $view } from './view.js'

const VARS: Record<string, string> = {
  accent: '--cs-accent',
  accentText: '--cs-accent-text',
  background: '--cs-bg',
  text: '--cs-text',
  radius: '--cs-radius',
  font: '--cs-font',
}

/** Theme values become custom properties in the stylesheet, never inline styles (strict CSP). */
function themeCss(config: Resolved): string {
  const theme: Record<string, string | undefined> = { ...config.source.ui?.theme }
  const vars = Object.keys(VARS)
    .filter((key) => theme[key])
    .map((key) => `${VARS[key]}:${theme[key]}`)
  return vars.length ? `:host{${vars.join(';')}}` : ''
}

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

export interface MountOptions {
  config: Resolved
  texts: TextTree
  lang: string
  actions: UiActions
}

/**
 * `<div id="consentry-root">` at the end of `<body>` with an open shadow root
 * (DESIGN.md §2), kept in step with `$view` and `$consent`. Returns a function
 * that removes it.
 */
export function mount({ config, texts, lang, actions }: MountOptions): () => void {
  const host = document.createElement('div')
  host.id = 'consentry-root'
  host.lang = lang
  host.dir = RTL.includes(lang.split('-')[0]) ? 'rtl' : 'ltr'
  host.setAttribute('data-scheme', config.source.ui?.theme?.scheme ?? 'light')
  const shadow = host.attachShadow({ mode: 'open' })
  // A constructable stylesheet needs no nonce: CSP style-src governs <style>
  // elements and style attributes, not sheets built from script.
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(css + themeCss(config))
  shadow.adoptedStyleSheets = [sheet]

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
  shadow.append(layer)

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
      if (!banner.isConnected) shadow.prepend(banner)
    } else banner.remove()
    renderPreferences?.(layer, prefs ? { config, texts, consent, actions } : null)
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
  }
}
