// The Global Vendor List, v3 format (docs/tcf.md, "The vendor list"), as the site's own
// server gives it: `tcf.vendorList` and, for other languages, the GVL's translation file
// `purposes-<lang>.json` beside it. The browser never asks the IAB's host.

interface GvlItem {
  id: number
  name: string
  description: string
  illustrations?: string[]
}
interface GvlStack extends Omit<GvlItem, 'illustrations'> {
  purposes: number[]
  specialFeatures: number[]
}
export interface GvlVendor {
  id: number
  name: string
  purposes: number[]
  legIntPurposes: number[]
  flexiblePurposes: number[]
  specialPurposes: number[]
  features: number[]
  specialFeatures: number[]
  cookieMaxAgeSeconds?: number | null
  usesCookies?: boolean
  usesNonCookieAccess?: boolean
  dataRetention?: { stdRetention?: number; purposes?: Record<string, number>; specialPurposes?: Record<string, number> }
  urls?: { langId: string; privacy?: string; legIntClaim?: string }[]
  dataDeclaration?: number[]
  deletedDate?: string
}
export interface Gvl {
  vendorListVersion: number
  tcfPolicyVersion: number
  purposes: Record<string, GvlItem>
  specialPurposes: Record<string, GvlItem>
  features: Record<string, GvlItem>
  specialFeatures: Record<string, GvlItem>
  stacks: Record<string, GvlStack>
  dataCategories: Record<string, GvlItem>
  vendors: Record<string, GvlVendor>
  /** The language the texts are in (lower case). */
  lang: string
}

const TEXT_GROUPS = ['purposes', 'specialPurposes', 'features', 'specialFeatures', 'stacks', 'dataCategories'] as const

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`Consentry TCF: ${url} answered HTTP ${response.status}`)
  return (await response.json()) as T
}

/**
 * The vendor list, with texts in `lang` when the server has that translation
 * (English otherwise: the list's own language).
 */
export async function loadGvl(url: string, lang: string): Promise<Gvl> {
  const base = new URL(url, document.baseURI)
  const translation = lang === 'en' ? undefined : json<Partial<Gvl>>(new URL(`purposes-${encodeURIComponent(lang)}.json`, base).href).catch(() => undefined)
  const gvl = await json<Gvl>(base.href)
  if (!gvl || typeof gvl.vendorListVersion !== 'number' || typeof gvl.vendors !== 'object' || typeof gvl.purposes !== 'object')
    throw new Error(`Consentry TCF: ${url} is not a Global Vendor List (v3)`)
  gvl.lang = 'en'
  const texts = await translation
  if (texts?.purposes) {
    for (const group of TEXT_GROUPS) if (texts[group]) Object.assign(gvl[group], texts[group])
    gvl.lang = lang
  }
  for (const group of TEXT_GROUPS) gvl[group] ??= {}
  return gvl
}

/** The IAB's name for a UI language where it is not the language code itself (its translations: purposes-<name>.json). */
const GVL_LANGS: Record<string, string> = { pt: 'pt-pt', 'pt-br': 'pt-br', nb: 'no', sr: 'sr-cyrl', 'zh-tw': 'zh-hant' }

/** The vendor list translation for a UI language ("pt-BR" → "pt-br", "nb" → "no", "de-AT" → "de"). */
export function gvlLang(lang: string): string {
  const tag = lang.toLowerCase()
  return GVL_LANGS[tag] ?? GVL_LANGS[tag.slice(0, 2)] ?? tag.slice(0, 2)
}

/** The vendors this site shows: the configured ids that the list has and has not deleted, by id. */
export function shownVendors(gvl: Gvl, wanted: number[] | 'all' | undefined): GvlVendor[] {
  const all = Object.values(gvl.vendors).filter((v) => !v.deletedDate)
  const ids = wanted === 'all' || !wanted ? undefined : new Set(wanted)
  return all.filter((v) => !ids || ids.has(v.id)).sort((a, b) => a.id - b.id)
}
