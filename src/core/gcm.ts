import type { GcmValue } from '../receipts/types.js'

/** Google Consent Mode v2 types per category (reference/standards.md §1); configurable. */
export const DEFAULT_GCM_MAPPING: Record<string, string[]> = {
  necessary: ['security_storage'],
  functional: ['functionality_storage', 'personalization_storage'],
  analytics: ['analytics_storage'],
  advertising: ['ad_storage', 'ad_user_data', 'ad_personalization'],
}

export const GCM_TYPES = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
]

/** The seven Consent Mode values for allowed categories: denied unless a mapped category is on. */
export function gcmValues(categories: Record<string, boolean>, mapping: Record<string, string[]> = DEFAULT_GCM_MAPPING): Record<string, GcmValue> {
  const values: Record<string, GcmValue> = {}
  for (const type of GCM_TYPES) values[type] = type === 'security_storage' ? 'granted' : 'denied'
  for (const category in mapping) if (categories[category]) for (const type of mapping[category]) values[type] = 'granted'
  return values
}
