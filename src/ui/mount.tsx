import { render } from 'preact'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { $consent } from '../core/state.js'
import { RTL } from '../i18n/negotiate.js'
import type { UiActions } from './actions.js'
import { App } from './App.js'
import { activeElement } from './focus.js'
import css from './styles.css?raw'
import { $view, type View } from './view.js'

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
  const theme = config.source.ui?.theme ?? {}
  const vars = Object.keys(VARS)
    .filter((key) => theme[key as keyof typeof theme])
    .map((key) => `${VARS[key]}:${theme[key as keyof typeof theme]}`)
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
  nonce?: string
  actions: UiActions
}

/**
 * `<div id="consentry-root">` at the end of `<body>` with an open shadow root
 * (DESIGN.md §2). Returns a function that removes it.
 */
export function mount({ config, texts, lang, nonce, actions }: MountOptions): () => void {
  const host = document.createElement('div')
  host.id = 'consentry-root'
  host.lang = lang
  host.dir = RTL.includes(lang.split('-')[0]) ? 'rtl' : 'ltr'
  host.setAttribute('data-scheme', config.source.ui?.theme?.scheme ?? 'light')
  const shadow = host.attachShadow({ mode: 'open' })
  const text = css + themeCss(config)
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(text)
    shadow.adoptedStyleSheets = [sheet]
  } else {
    const style = document.createElement('style')
    if (nonce) style.nonce = nonce
    style.textContent = text
    shadow.append(style)
  }
  // Rendering is synchronous on every store change: the banner is in the very
  // frame that shows the page, and gone in the frame after a click.
  let shown: View = 'hidden'
  let returnTo: HTMLElement | null = null
  const draw = () => {
    const view = $view.get()
    if (view === 'preferences' && shown !== 'preferences') returnTo = activeElement() as HTMLElement | null
    render(<App view={view} consent={$consent.get()} config={config} texts={texts} actions={actions} />, shadow)
    // Focus moves into the dialog when it opens and back where it was when it closes (WCAG 2.4.3).
    if (view === 'preferences' && shown !== 'preferences') shadow.querySelector<HTMLElement>('[role=dialog]')?.focus()
    if (view !== 'preferences' && shown === 'preferences') {
      // Back on the first layer the opener was re-rendered: focus its new self.
      const opener = returnTo?.isConnected ? returnTo : shadow.querySelector<HTMLElement>('[data-action=preferences]')
      opener?.focus()
    }
    shown = view
  }
  let stop: (() => void)[] = []
  let removed = false
  whenBody(() => {
    if (removed) return
    document.body.append(host)
    stop = [$view.listen(draw), $consent.listen(draw)]
    draw()
  })
  return () => {
    removed = true
    stop.forEach((fn) => fn())
    render(null, shadow)
    host.remove()
  }
}
