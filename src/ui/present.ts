import type { Resolved } from '../config/resolve.js'
import { chooseLanguage, loadLocale } from '../i18n/load.js'
import { buildTexts } from '../i18n/texts.js'
import type { UiActions } from './actions.js'
import { whenBody } from './body.js'
import type { Shown } from './embeds.js'
import { mount } from './mount.js'

export interface Presenter {
  /** Shows the UI in `lang` (a negotiated language); resolves once it is on the page. */
  show(lang: string): Promise<void>
  /** Texts and stylesheet on screen, once the first locale is there (placeholders and receipts use them). */
  shown(): Shown | undefined
  stop(): void
}

/**
 * The visitor's UI, in one language at a time: the locale loaded, the first layer mounted as soon
 * as `<body>` exists, and a later change of `<html lang>` (an SPA's language switch) followed.
 * `path` is the folder of the locale files (language.path, else beside the script tag; without one
 * the npm build uses its locale chunks, src/i18n/chunks.ts); `changed`
 * re-renders what has texts of its own (placeholders) after a change of language. (Parameters,
 * not an options object: their names would stay in the first view's bytes.)
 */
export const present = (config: Resolved, styles: CSSStyleSheet, path: string | undefined, actions: UiActions, changed: () => void): Presenter => {
  let shown: Shown | undefined
  let unmount: (() => void) | undefined
  let stopped = false
  // Each language change waits for the one before, so the last asked for is the one on screen.
  let last: Promise<void> = Promise.resolve()
  const render = async (lang: string) => {
    const texts = buildTexts(config, lang, await loadLocale(lang, path))
    // The tag sits first in <head>: the first layer goes in as soon as the parser
    // creates <body>, within the parser's task, so it is part of the first paint.
    await whenBody()
    if (stopped) return
    unmount?.()
    unmount = mount(config, styles, texts, lang, actions)
    shown = { lang, texts, styles }
    changed()
  }
  const show = (lang: string) =>
    (last = last.then(
      () => render(lang),
      () => render(lang),
    ))
  // With another language.autoDetect the choice stays the same, so nothing happens.
  const follow = new MutationObserver(() => {
    const lang = chooseLanguage(config)
    if (lang !== shown?.lang) void show(lang)
  })
  follow.observe(document.documentElement, { attributeFilter: ['lang'] })
  return {
    show,
    shown: () => shown,
    stop() {
      stopped = true
      follow.disconnect()
      unmount?.()
    },
  }
}
