// WCAG 2.2 contrast for `consentry validate` (src/cli/check.ts). The SDK itself lets the
// browser pick white or black text where it draws on the accent or on a configured
// background (src/ui/styles.css); this reads the colours a config sets and says where
// a pair it sets itself stays unreadable. Node and browser safe, no DOM.

import type { ThemeConfig } from './types.js'

/** [r, g, b] in 0–255 from #rgb, #rrggbb, #rrggbbaa or rgb()/rgba() with numbers; undefined for other syntaxes. */
function parseColour(value: string): [number, number, number] | undefined {
  const text = value.trim().toLowerCase()
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text)?.[1]
  if (hex) {
    const digits = hex.length <= 4 ? [...hex.slice(0, 3)].map((d) => d + d) : [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)]
    return digits.map((d) => parseInt(d, 16)) as [number, number, number]
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text)
  return rgb ? ([rgb[1], rgb[2], rgb[3]].map(Number) as [number, number, number]) : undefined
}

/** WCAG 2.2 relative luminance of an sRGB colour. */
function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = c / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** The colours src/ui/styles.css draws with when the theme leaves them out. */
const DEFAULT_COLOURS = {
  light: { accent: '#0b57d0', background: '#ffffff', text: '#1f1f1f' },
  dark: { accent: '#a8c7fa', background: '#1f1f1f', text: '#e3e3e3' },
} as const

export interface ContrastProblem {
  /** The theme key to point at. */
  key: 'accentText' | 'text' | 'accent'
  scheme: 'light' | 'dark'
  foreground: string
  background: string
  ratio: number
  needed: number
}

/**
 * Pairs the theme sets itself that fall below WCAG 2.2 AA in a scheme it is shown in:
 * text on the accent and on the background (4.5:1, SC 1.4.3), and the accent against
 * the background (3:1, SC 1.4.11: a switch that is on, a button's edge). `light-dark(a, b)`
 * counts as a in light and b in dark; colours in a syntax other than hex or rgb() are not checked.
 */
export function contrastProblems(theme: ThemeConfig = {}): ContrastProblem[] {
  const schemes = theme.scheme === 'auto' ? (['light', 'dark'] as const) : ([theme.scheme ?? 'light'] as const)
  const out: ContrastProblem[] = []
  for (const scheme of schemes) {
    // light-dark(a, b) is a per scheme in CSS: read it the same way.
    const pick = (value: string | undefined) => {
      const both = value && /^light-dark\(([^,]+),([^)]+)\)$/.exec(value.trim())
      return both ? both[scheme === 'light' ? 1 : 2].trim() : value
    }
    const own = { accent: pick(theme.accent), accentText: pick(theme.accentText), background: pick(theme.background), text: pick(theme.text) }
    const colours = { ...DEFAULT_COLOURS[scheme], ...Object.fromEntries(Object.entries(own).filter(([, v]) => v)) }
    const pairs: [ContrastProblem['key'], string | undefined, string, number][] = [
      ['accentText', own.accentText, colours.accent, 4.5],
      ['text', own.text, colours.background, 4.5],
      ['accent', own.accent ?? (own.background && colours.accent), colours.background, 3],
    ]
    for (const [key, foreground, background, needed] of pairs) {
      const fg = foreground && parseColour(foreground)
      const bg = parseColour(background)
      if (!fg || !bg) continue
      const ratio = contrast(fg, bg)
      if (ratio < needed) out.push({ key, scheme, foreground: foreground!, background, ratio, needed })
    }
  }
  return out
}
