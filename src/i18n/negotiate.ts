/** Languages shipped in locales/ (English is inside the bundle; the rest are fetched, or in the npm build each its own chunk). */
export const LOCALES =
  'ar bg bs ca cs da de el en es es-419 et eu fa fi fr ga gl he hr hu is it ja ko lt lv mt nb nl pl pt pt-BR ro ru sk sl sr sv tr uk zh-CN zh-TW'.split(' ')

export const RTL = ['ar', 'he', 'fa']

// Spanish with a region other than Spain (es-MX, es-US, es-419…) reads best in
// the Americas' Spanish; plain "es" and es-ES get Spain's.
const LATAM = /^(419|(?!ES)[A-Z]{2})$/

/** Maps a BCP 47 tag to a shipped locale: exact, then known regional variants, then the base language. */
function match(tag: string, available: string[]): string | undefined {
  const [base, ...rest] = tag.trim().replace(/_/g, '-').split('-')
  const lang = base.toLowerCase()
  const subtags = rest.map((s) => (s.length === 2 || /^\d+$/.test(s) ? s.toUpperCase() : s))
  const candidates = [[lang, ...subtags].join('-')]
  if (lang === 'zh') candidates.push(subtags.some((s) => /^(Hant|TW|HK|MO)$/i.test(s)) ? 'zh-TW' : 'zh-CN')
  if (lang === 'no' || lang === 'nn') candidates.push('nb')
  if (lang === 'es' && subtags.some((s) => LATAM.test(s))) candidates.push('es-419')
  if (lang === 'pt' && subtags.includes('BR')) candidates.push('pt-BR')
  candidates.push(lang)
  return candidates.find((c) => available.includes(c))
}

/** The first of `wanted` (most preferred first) that can be served, else `fallback`. */
export function negotiate(wanted: readonly string[], available: string[], fallback: string): string {
  for (const tag of wanted) {
    const found = tag && match(tag, available)
    if (found) return found
  }
  return fallback
}
