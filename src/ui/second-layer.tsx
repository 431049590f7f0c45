// The preference centre with its focus handling, in the extras chunk (src/lazy), loaded on
// intent (mount.ts). Preact renders it into the same shadow root as the banner. The floating
// button that reopens it has a chunk of its own (floating.ts).
import { h, render } from 'preact'
import { categories, preferences } from '../../locales/en.json'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import { mergeTexts } from '../i18n/lookup.js'
import type { UiActions } from './actions.js'
import { activeElement } from './focus.js'
import { formats } from './formats.js'
import { Preferences } from './Preferences.js'
import dialogCss from './dialog.css?raw'
import css from './preferences.css?raw'
import type { View } from './view.js'

export interface SecondLayerOptions {
  config: Resolved
  texts: TextTree
  /** The UI's language, as on the banner (mount.ts). */
  lang: string
  actions: UiActions
}

export interface SecondLayer {
  update(view: View, consent: ConsentState): void
  remove(): void
}

export function secondLayer(shadow: ShadowRoot, { config, texts: pageTexts, lang, actions }: SecondLayerOptions): SecondLayer {
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(dialogCss + css)
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
  const container = document.createElement('div')
  // :host's all: initial resets the text locale (styles.css).
  container.lang = lang
  shadow.append(container)
  // English under the page's texts: a locale or config that lacks a key still shows something.
  const texts = mergeTexts({ categories, preferences }, pageTexts)
  // The chunk came on intent: the formats' locale data loads now, not in the click (formats.ts).
  setTimeout(() => formats(lang))

  let returnTo: HTMLElement | null = null
  let open = false
  return {
    update(view, consent) {
      const prefs = view === 'preferences'
      if (prefs && !open) returnTo = activeElement() as HTMLElement | null
      // One layer at a time: under the preference centre the first layer is inert
      // (not focusable, not clickable) and preferences.css hides it; closing the
      // centre without a decision brings it back as it was.
      const banner = shadow.querySelector<HTMLElement>('[part~=banner]')
      banner?.toggleAttribute('inert', prefs)
      render(prefs && <Preferences config={config} lang={lang} texts={texts} consent={consent} actions={actions} />, container)
      // Focus moves into the dialog when it opens and back where it was when it
      // closes (WCAG 2.4.3): to the opener, else the first layer's own "Manage
      // preferences" or the floating button (mount.ts updates it first), never <body>.
      const dialog = container.querySelector<HTMLElement>('[part~=preferences]')
      if (dialog && !open) dialog.focus()
      if (!dialog && open) {
        const back = returnTo?.isConnected && returnTo !== document.body ? returnTo : undefined
        ;(back ?? (banner?.isConnected ? banner : shadow).querySelector<HTMLElement>('[data-action=preferences]'))?.focus()
      }
      if (!dialog) returnTo = null
      open = !!dialog
    },
    remove() {
      render(null, container)
      container.remove()
    },
  }
}
