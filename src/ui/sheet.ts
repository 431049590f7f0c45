import type { Resolved } from '../config/resolve.js'
import css from './styles.css?raw'

const VARS: Record<string, string> = {
  accent: '--cs-accent',
  accentText: '--cs-accent-text',
  background: '--cs-bg',
  text: '--cs-text',
  radius: '--cs-radius',
  font: '--cs-font',
}

/**
 * One constructable stylesheet shared by every shadow root Consentry makes (the
 * UI, each placeholder). It needs no nonce: CSP style-src governs <style>
 * elements and style attributes, not sheets built from script. Theme values
 * become custom properties here, never inline styles (README, "Styling").
 */
export function sheet(config: Resolved): CSSStyleSheet {
  // A background without its own text colour gets white or black text (styles.css).
  const theme: Record<string, string | undefined> = { ...config.source.ui?.theme }
  if (theme.background) theme.text ??= 'var(--cs-on-bg)'
  const vars = Object.keys(VARS)
    .filter((key) => theme[key])
    .map((key) => `${VARS[key]}:${theme[key]}`)
  const result = new CSSStyleSheet()
  result.replaceSync(css + (vars.length ? `:host{${vars.join(';')}}` : ''))
  return result
}
