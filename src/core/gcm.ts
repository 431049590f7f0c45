import { GCM_TYPES } from '../config/types.js'
import type { GcmValue } from '../receipts/types.js'

/** Google Consent Mode v2 types per category (docs/google-consent-mode.md); `google.mapping` overrides it per category. */
const DEFAULT_GCM_MAPPING: Record<string, string[]> = {
  necessary: ['security_storage'],
  functional: ['functionality_storage', 'personalization_storage'],
  analytics: ['analytics_storage'],
  advertising: ['ad_storage', 'ad_user_data', 'ad_personalization'],
}

/**
 * The seven Consent Mode values for allowed categories: denied unless a mapped
 * category is on (security_storage is granted: necessary is always on).
 * `mapping` is `google.mapping` from config, laid over the default per category.
 */
export function gcmValues(categories: Record<string, boolean>, mapping?: Record<string, readonly string[]>): Record<string, GcmValue> {
  const values: Record<string, GcmValue> = {}
  const map = { ...DEFAULT_GCM_MAPPING, ...mapping }
  for (const type of GCM_TYPES) values[type] = 'denied'
  for (const category in map) if (categories[category] || category === 'necessary') for (const type of map[category]) values[type] = 'granted'
  return values
}
