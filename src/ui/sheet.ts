import type { Resolved } from '../config/resolve.js'
import css from './styles.css?raw'

/** The token a `ui.theme` key sets: accentText → --cs-accent-text; background is --cs-bg (styles.css). */
const token = (key: string) => '--cs-' + (key === 'background' ? 'bg' : key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()))

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
  // Every key of a valid theme but `scheme` (mount.ts) is a token.
  const vars = Object.keys(theme)
    .filter((key) => key !== 'scheme' && theme[key])
    .map((key) => `${token(key)}:${theme[key]}`)
  const result = new CSSStyleSheet()
  result.replaceSync(css + (vars.length ? `:host{${vars.join(';')}}` : ''))
  return result
}
