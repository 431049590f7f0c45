// Everything of Consentry's own UI beyond the first layer, in the extras chunk
// (src/lazy): the preference centre with its focus handling, and the floating
// button. Preact renders it into the same shadow root as the banner.
import { Fragment, h, render } from 'preact'
import { categories, floating as floatingTexts, preferences } from '../../locales/en.json'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import { lookup, mergeTexts } from '../i18n/lookup.js'
import type { UiActions } from './actions.js'
import { activeElement } from './focus.js'
import { Preferences } from './Preferences.js'
import { reopenShown } from './reopen.js'
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

/** A cookie with bites; an inline SVG is markup, not a style, so a strict CSP allows it. */
const Icon = () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path
      fill="currentColor"
      d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5Zm-4 9a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm6 6a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Z"
    />
  </svg>
)

export function secondLayer(shadow: ShadowRoot, { config, texts: pageTexts, lang, actions }: SecondLayerOptions): SecondLayer {
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(dialogCss + css)
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
  const container = document.createElement('div')
  // :host's all: initial resets the text locale (styles.css).
  container.lang = lang
  shadow.append(container)
  // English under the page's texts: a locale or config that lacks a key still shows something.
  const texts = mergeTexts({ categories, floating: floatingTexts, preferences }, pageTexts)
  const ui = config.source.ui ?? {}
  // On by default (reopen.ts says when it shows).
  const floating = ui.floatingButton || {}
  const label = floating.label ?? lookup(texts, 'floating.label')!
  const honoured = lookup(texts, 'preferences.gpcHonoured')!

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
      const reopen = reopenShown(ui, consent) && (view === 'hidden' || prefs)
      // Global Privacy Control honoured: the button says so where the visitor sees it, not
      // only inside the preference centre (CCPA regulations §7025(c)(6); docs/regions.md).
      const gpc = consent.source === 'gpc'
      render(
        <>
          {prefs && <Preferences config={config} lang={lang} texts={texts} consent={consent} actions={actions} />}
          {reopen && (
            <button
              type="button"
              part="button floating-button"
              class={`floating ${floating.position ?? 'bottom-left'}`}
              data-action="preferences"
              // The name starts with the visible text (WCAG 2.5.3) and says what the button opens.
              aria-label={gpc ? `${honoured} ${label}` : floating.iconOnly ? label : undefined}
              // Kept (hidden) while the centre is open, so focus can come back to it.
              hidden={prefs}
              onClick={actions.openPreferences}
            >
              <Icon />
              {gpc ? honoured : !floating.iconOnly && label}
            </button>
          )}
        </>,
        container,
      )
      // Focus moves into the dialog when it opens and back where it was when it
      // closes (WCAG 2.4.3): to the opener, else the first layer's own "Manage
      // preferences" or the floating button, never <body>.
      const dialog = container.querySelector<HTMLElement>('[part~=preferences]')
      if (dialog && !open) dialog.focus()
      if (!dialog && open) {
        const back = returnTo?.isConnected && returnTo !== document.body ? returnTo : undefined
        ;(back ?? (banner?.isConnected ? banner : container).querySelector<HTMLElement>('[data-action=preferences]'))?.focus()
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
