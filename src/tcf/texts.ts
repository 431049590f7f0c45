// The words of the TCF layers around the vendor list's own texts (docs/tcf.md, "What the
// visitor sees"). Purposes, features, stacks and data categories come from the vendor list
// and its translations (purposes-<lang>.json); these are the labels around them, in
// English here, so the first view of a site without `tcf` carries none of them. A site
// translates or rewords them key by key under `translations.<lang>.tcf` in its config.

import type { TextTree } from '../config/types.js'

const TCF_TEXTS = {
  intro:
    'We and our {count} partners store and/or access information on your device, such as cookies, and process personal data, such as unique identifiers and browsing data, for the purposes below. Some partners do so on the basis of legitimate interest, to which you can object. Your choices apply to this site only; you can change them at any time in the settings.',
  open: 'Purposes and partners ({count})',
  title: 'Purposes and partners',
  description:
    'Choose what you allow, purpose by purpose and partner by partner. "Legitimate interest" means a partner processes without asking for consent; switch it off to object.',
  purposes: 'Purposes',
  specialPurposes: 'Special purposes (no choice: needed to keep the service safe and working)',
  features: 'Features (used for the purposes above)',
  specialFeatures: 'Special features',
  vendors: 'Partners ({count})',
  consent: 'Consent',
  legitimateInterest: 'Legitimate interest',
  illustrations: 'Examples',
  vendorCount: 'Partners asking for this: {count}',
  retention: 'Data retention',
  days: '{count} days',
  dataCategories: 'Data used',
  storage: 'Cookie lifetime',
  otherStorage: 'Also uses other storage on your device',
  privacy: 'Privacy policy',
  legIntClaim: 'Legitimate interest at stake',
  consentPurposes: 'Purposes (consent)',
  liPurposes: 'Purposes (legitimate interest)',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  save: 'Save choices',
  close: 'Close',
}

export type TcfTextKey = keyof typeof TCF_TEXTS

/** The text for `key` in the site's own words for this language if it gave some, else English; `{count}` filled in. */
export const tcfText =
  (translations: Record<string, TextTree> | undefined, lang: string) =>
  (key: TcfTextKey, count?: number): string => {
    const own = translations?.[lang]?.tcf
    const text = (typeof own === 'object' && typeof own[key] === 'string' ? own[key] : TCF_TEXTS[key]) as string
    return count === undefined ? text : text.replace('{count}', String(count))
  }
