// Matching names against the Open Cookie Database (data/open-cookie-database/, Apache-2.0,
// see NOTICE), kept as the compact JSON that scripts/ocd-import.mjs generates.

import db from '../../data/open-cookie-database/open-cookie-database.json'
import type { OcdMatch } from './types.js'

type Row = [name: string, platform: number, category: number, domain: string, description: string, retention: string, controller: number, wildcard: number]

interface Entry extends OcdMatch {
  name: string
  /** The host part of the Domain column ("facebook.com (3rd party)" → "facebook.com"); '' when any. */
  domain: string
}

const entries: Entry[] = (db.entries as unknown as Row[]).map(([name, platform, category, domain, description, retention, controller, wildcard]) => ({
  name,
  platform: db.platforms[platform],
  category: db.categories[category],
  domain: domain.split(/\s/)[0].replace(/^\./, '').toLowerCase(),
  description,
  retention,
  controller: db.controllers[controller],
  wildcard: wildcard === 1,
}))

const exact = new Map<string, Entry[]>()
for (const entry of entries) if (!entry.wildcard) exact.set(entry.name, [...(exact.get(entry.name) ?? []), entry])
// Longest prefix first, so "_gac_gb_" wins over "_gac_".
const prefixes = entries.filter((entry) => entry.wildcard).sort((a, b) => b.name.length - a.name.length)

export const OCD_SIZE = { entries: entries.length, wildcards: prefixes.length }

const onDomain = (entry: Entry, domain: string) => !!entry.domain && `.${domain.replace(/^\./, '')}`.endsWith(`.${entry.domain}`)

/**
 * The entry for a cookie or storage key: an exact name first (the one whose Domain
 * column covers `domain` when several share the name), else the longest wildcard
 * prefix; null when the database does not know it.
 */
export function matchOcd(name: string, domain = ''): (OcdMatch & { pattern: string }) | null {
  const candidates = exact.get(name)
  const found = candidates ? (candidates.find((entry) => onDomain(entry, domain)) ?? candidates[0]) : prefixes.find((entry) => name.startsWith(entry.name))
  if (!found) return null
  const { name: pattern, platform, category, description, retention, controller, wildcard } = found
  return { pattern, platform, category, description, retention, controller, wildcard }
}

/**
 * The Consentry category for a database entry. Consent-state cookies (a CMP's own
 * record of the choice, "Functional" in the database) are necessary: a site must keep
 * the refusal it was given, so they are set after "Reject all" by design.
 */
export function categoryOf(match: OcdMatch): string {
  switch (match.category) {
    case 'Necessary':
    case 'Security':
      return 'necessary'
    case 'Analytics':
      return 'analytics'
    case 'Marketing':
      return 'advertising'
    default:
      return /\bconsent\b/i.test(match.description) ? 'necessary' : 'functional'
  }
}
