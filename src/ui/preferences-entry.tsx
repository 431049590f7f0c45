// The preference centre's chunk (src/lazy): preact and the dialog, loaded on demand.
import { h, render } from 'preact'
import { categories, preferences } from '../../locales/en.json'
import { mergeTexts } from '../i18n/lookup.js'
import { Preferences, type PreferencesProps } from './Preferences.js'
import css from './preferences.css?raw'

let styles: CSSStyleSheet | undefined

/** Renders (or, with null, removes) the preference centre inside `container`, which is in Consentry's shadow root. */
export function renderPreferences(container: Element, props: PreferencesProps | null): void {
  const root = container.getRootNode() as ShadowRoot
  if (!styles) {
    styles = new CSSStyleSheet()
    styles.replaceSync(css)
  }
  if (!root.adoptedStyleSheets.includes(styles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles]
  // English under the page's texts: a locale or config that lacks a key still shows something.
  render(props && <Preferences {...props} texts={mergeTexts({ categories, preferences }, props.texts)} />, container)
}

export type RenderPreferences = typeof renderPreferences
