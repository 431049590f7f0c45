import type { Mode } from './types.js'

// Regional rules (docs/regions.md): `mode` may map regions to modes. Keys are ISO 3166-1
// countries ("DE"), ISO 3166-2 subdivisions ("US-CA"), the groups "EU", "EEA" and
// "UK", and "*" for any other known region. The most specific key wins; an
// unknown region gets the strictest mode the rules name.

/** The EU's member states (also read by src/tcf/gdpr.ts). */
export const EU = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'
/** Least to most strict. */
const STRICT: Mode[] = ['notice', 'opt-out', 'opt-in']

/** Rule keys a region answers to, most specific first: "es-ct" → ES-CT, ES, EU, EEA. */
export function regionKeys(region: string): string[] {
  const r = region.trim().toUpperCase().replace(/^UK/, 'GB')
  const c = r.slice(0, 2)
  const keys = r === c ? [c] : [r, c]
  if (EU.includes(c)) keys.push('EU')
  if (EU.includes(c) || 'IS LI NO'.includes(c)) keys.push('EEA')
  if (c === 'GB') keys.push('UK')
  return keys
}

/** The mode for a region: a plain mode as is; rules by region, most specific key first. */
export function modeFor(mode: Mode | Record<string, Mode> | undefined, region?: string): Mode {
  if (typeof mode !== 'object') return mode ?? 'opt-in'
  if (region) for (const key of [...regionKeys(region), '*']) if (mode[key]) return mode[key]
  return STRICT[Math.max(...Object.values(mode).map((m) => STRICT.indexOf(m)))] ?? 'opt-in'
}
