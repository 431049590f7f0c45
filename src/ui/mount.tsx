import { render } from 'preact'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { RTL } from '../i18n/negotiate.js'
import type { UiActions } from './actions.js'
import { App } from './App.js'
import css from './styles.css?raw'

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
  let removed = false
  whenBody(() => {
    if (removed) return
    document.body.append(host)
    render(<App config={config} texts={texts} actions={actions} />, shadow)
  })
  return () => {
    removed = true
    render(null, shadow)
    host.remove()
  }
}
