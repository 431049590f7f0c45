// The floating button: the way back to the settings after a decision (reopen.ts says when it
// shows). It has a chunk of its own (src/lazy/reopen.ts), not the preference centre's: every
// visitor who decides gets it, and most never open the centre, whose code waits for an intent
// (a pointer or focus on this button, mount.ts). Plain DOM, like the first layer: no preact.
import { floating as english, preferences } from '../../locales/en.json'
import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import type { ConsentState } from '../core/state.js'
import { lookup } from '../i18n/lookup.js'
import type { UiActions } from './actions.js'
import { el } from './dom.js'
import css from './floating.css?raw'
import { reopenShown } from './reopen.js'
import type { View } from './view.js'

export interface Floating {
  update(view: View, consent: ConsentState): void
  remove(): void
}

/** A cookie with bites; an inline SVG is markup, not a style, so a strict CSP allows it. */
const ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5Zm-4 9a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm6 6a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Z"/></svg>'

/**
 * The button in `shadow`, kept in step by update(): there after a decision, hidden (not removed,
 * so focus can come back to it) while the preference centre is open. `texts` are the UI's, with
 * English under them for what a locale or config leaves out.
 */
export function floatingButton(shadow: ShadowRoot, config: Resolved, texts: TextTree, lang: string, actions: UiActions): Floating {
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(css)
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
  const ui = config.source.ui ?? {}
  const options = ui.floatingButton || {}
  const label = options.label ?? lookup(texts, 'floating.label') ?? english.label
  const honoured = lookup(texts, 'preferences.gpcHonoured') ?? preferences.gpcHonoured
  let button: HTMLElement | undefined
  let text: string | undefined
  return {
    update(view, consent) {
      if (!reopenShown(ui, consent) || view === 'banner') {
        button?.remove()
        button = text = undefined
        return
      }
      button ??= shadow.appendChild(
        el('button', {
          type: 'button',
          part: 'button floating-button',
          class: `floating ${options.position ?? 'bottom-left'}`,
          'data-action': 'preferences',
          lang,
          onclick: actions.openPreferences,
        }),
      )
      // Global Privacy Control honoured: the button says so where the visitor sees it, not
      // only inside the preference centre (CCPA regulations §7025(c)(6); docs/regions.md).
      const gpc = consent.source === 'gpc'
      // The name starts with the visible text (WCAG 2.5.3) and says what the button opens.
      const name = gpc ? `${honoured} ${label}` : options.iconOnly && label
      if (name) button.setAttribute('aria-label', name)
      else button.removeAttribute('aria-label')
      const next = gpc ? honoured : options.iconOnly ? '' : label
      if (next !== text) {
        text = next
        // The icon is this file's own constant markup; the text goes in as a text node.
        button.innerHTML = ICON
        button.append(text)
      }
      // Kept (hidden) while the centre is open, so focus can come back to it.
      button.hidden = view === 'preferences'
    },
    remove() {
      button?.remove()
      shadow.adoptedStyleSheets = shadow.adoptedStyleSheets.filter((s) => s !== sheet)
    },
  }
}
