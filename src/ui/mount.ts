import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { $consent } from '../core/state.js'
import { RTL } from '../i18n/negotiate.js'
import { afterPaint } from '../effects/after-paint.js'
import { loadExtras, loadReopen } from '../lazy/index.js'
import type { UiActions } from './actions.js'
import { Banner } from './Banner.js'
import type { Floating } from './floating.js'
import { el } from './dom.js'
import { reopenShown } from './reopen.js'
import { padScrollOnKeyboard } from './scroll-padding.js'
import { lookup } from '../i18n/lookup.js'
import type { SecondLayer } from './second-layer.js'
import { $view } from './view.js'

/**
 * `<div id="consentry-root">` at the end of `<body>`, which must exist (the
 * caller waits for it: body.ts), with an open shadow root (docs/architecture.md, "Builds"), kept
 * in step with `$view` and `$consent`. Returns a function that removes it. `styles` comes from
 * sheet.ts, shared with the placeholders. (Parameters, not an options object: their names would
 * stay in the first view's bytes.)
 */
export function mount(config: Resolved, styles: CSSStyleSheet, texts: TextTree, lang: string, actions: UiActions): () => void {
  const host = document.createElement('div')
  host.id = 'consentry-root'
  host.lang = lang
  host.dir = RTL.includes(lang.split('-')[0]) ? 'rtl' : 'ltr'
  host.setAttribute('data-scheme', config.source.ui?.theme?.scheme ?? 'light')
  const shadow = host.attachShadow({ mode: 'open' })
  shadow.adoptedStyleSheets = [styles]

  const ui = config.source.ui ?? {}
  const layout = ui.layout ?? 'bar'
  const position = ui.position ?? (layout === 'box' ? 'bottom-right' : 'bottom')
  // Crawlers get no banner (ui.hideFromBots), so a search snippet shows the page; the gate
  // still releases nothing optional for them. navigator.webdriver alone is no crawler: tests
  // and automation by real users see the banner.
  const bot = ui.hideFromBots !== false && /bot|crawl|spider|slurp/i.test(navigator.userAgent)
  const banner = Banner(config, texts, actions, layout, position)
  // The text locale is part of every font strike Chromium sets up; :host's
  // all: initial resets it, so the language goes on the banner too (styles.css).
  banner.lang = lang
  // Decisions are announced politely to screen readers (WCAG 4.1.3).
  const status = el('p', { role: 'status', class: 'sr' })
  shadow.append(status)
  let lastDecision = $consent.get().updatedAt

  // The preference centre comes with the extras chunk, fetched on intent (below) or when it
  // is opened; the floating button with a small chunk of its own, when it is to show. Each is
  // asked for once (again after a failed load) and drawn in when it arrives.
  let second: SecondLayer | undefined
  let floating: Floating | undefined
  const part = <T>(get: () => Promise<T>, made: (chunk: T) => void, failed?: () => void) => {
    let asked = false
    return () => {
      if (asked) return
      asked = true
      get().then(
        (chunk) => {
          made(chunk)
          draw()
        },
        (error: Error) => {
          asked = false
          console.error(error.message)
          failed?.()
        },
      )
    }
  }
  const load = part(
    loadExtras,
    (extras) => (second = extras.secondLayer(shadow, { config, texts, lang, actions })),
    () => $view.get() === 'preferences' && $view.set($consent.get().decided ? 'hidden' : 'banner'),
  )
  const reopen = part(loadReopen, (chunk) => (floating = chunk.floatingButton(shadow, config, texts, lang, actions)))

  // Synchronous on every store change: the banner is in the frame that shows
  // the page, and gone in the frame after a click.
  const draw = () => {
    const view = $view.get()
    const consent = $consent.get()
    const prefs = view === 'preferences'
    // The first layer stays under the preference centre until the visitor decides.
    if (!bot && (view === 'banner' || (prefs && !consent.decided))) {
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
    // The floating button waits for the page's load event: the whole page is parsed by then,
    // and may have its own way back (reopen.ts); its chunk's fetch and run stay out of the
    // page's own loading. It comes with the centre too, to take focus when a decision closes it.
    if (prefs) load()
    // After a click, once its frame is painted (effects/after-paint.ts); once there, no more
    // frames and timers on every later draw.
    if (!floating && (prefs || (document.readyState === 'complete' && reopenShown(ui, consent)))) afterPaint(reopen)
    // The button first: the centre's close hands focus to it (second-layer.tsx).
    floating?.update(view, consent)
    second?.update(view, consent)
  }

  // Most visitors decide on the first layer and never need the preference centre: its
  // chunk is fetched when a pointer or focus reaches "Manage preferences" or a settings
  // link of the page (data-consentry="preferences"), so it has usually run by the click.
  const intent = (event: Event) => (event.composedPath()[0] as Element).closest?.('[data-action=preferences],[data-consentry=preferences]') && load()
  const intents = ['pointerover', 'focusin']
  for (const type of intents) document.addEventListener(type, intent, true)

  document.body.append(host)
  // A box leaves the page's edges free, and so does anything in the middle; a bar or a cloud covers part of one.
  const unpad = layout === 'box' || position === 'middle' ? undefined : padScrollOnKeyboard(banner, position)
  const stop = [$view.listen(draw), $consent.listen(draw)]
  addEventListener('load', draw)
  draw()
  return () => {
    stop.forEach((fn) => fn())
    removeEventListener('load', draw)
    for (const type of intents) document.removeEventListener(type, intent, true)
    second?.remove()
    floating?.remove()
    host.remove()
    unpad?.()
  }
}
