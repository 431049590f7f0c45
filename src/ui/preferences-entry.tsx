// The preference centre's chunk (src/lazy): preact and the dialog, loaded on demand.
import { h, render } from 'preact'
import { Preferences, type PreferencesProps } from './Preferences.js'

/** Renders (or, with null, removes) the preference centre inside `container`. */
export function renderPreferences(container: Element, props: PreferencesProps | null): void {
  render(props && <Preferences {...props} />, container)
}

export type RenderPreferences = typeof renderPreferences
