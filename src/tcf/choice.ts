// What the visitor chose in TCF terms (docs/tcf.md, "Choices"), and the TC string
// model it becomes. Pure functions of the vendor list, so unit tests need no DOM.

import type { TcfConfig } from '../config/types.js'
import type { TcModel } from './encode.js'
import type { Gvl, GvlVendor } from './gvl.js'

export interface TcfChoice {
  purposeConsents: number[]
  /** Purposes whose legitimate interest the visitor did not object to. */
  purposeLegitimateInterests: number[]
  specialFeatures: number[]
  vendorConsents: number[]
  vendorLegitimateInterests: number[]
  /** Google Additional Consent: the ad tech providers the visitor allowed. */
  acConsents: number[]
}

/** Since TCF 2.2 purposes 1 and 3–6 may only rest on consent: the others may rest on a legitimate interest. */
export const LI_PURPOSES = [2, 7, 8, 9, 10, 11]

const ids = (group: Record<string, unknown>): number[] =>
  Object.keys(group)
    .map(Number)
    .sort((a, b) => a - b)

/** "Accept all": every purpose, special feature and shown vendor, legitimate interests kept. */
export function allowAll(gvl: Gvl, vendors: GvlVendor[], config: TcfConfig): TcfChoice {
  return {
    purposeConsents: ids(gvl.purposes),
    purposeLegitimateInterests: ids(gvl.purposes).filter((id) => LI_PURPOSES.includes(id)),
    specialFeatures: ids(gvl.specialFeatures),
    vendorConsents: vendors.filter((v) => v.purposes.length || v.flexiblePurposes.length || v.specialFeatures.length).map((v) => v.id),
    vendorLegitimateInterests: vendors.filter((v) => v.legIntPurposes.length || v.flexiblePurposes.length).map((v) => v.id),
    acConsents: (config.additionalConsent ?? []).map((p) => p.id),
  }
}

/**
 * Where the second layer's switches start before any decision: nothing consented (nothing
 * pre-ticked), and no objection yet to a legitimate interest — that is the visitor's to make.
 */
export function untouched(gvl: Gvl, vendors: GvlVendor[], config: TcfConfig): TcfChoice {
  const all = allowAll(gvl, vendors, config)
  return { ...rejectAll(), purposeLegitimateInterests: all.purposeLegitimateInterests, vendorLegitimateInterests: all.vendorLegitimateInterests }
}

/**
 * The site's `advertising` category follows a TCF choice (docs/tcf.md, "Choices"): allowed
 * when the visitor consented to storing information on the device (purpose 1), to at least
 * one advertising purpose (2–4) and to at least one partner.
 */
export const allowsAdvertising = (choice: TcfChoice): boolean =>
  choice.purposeConsents.includes(1) && choice.purposeConsents.some((id) => id >= 2 && id <= 4) && choice.vendorConsents.length > 0

/** "Reject all": no consent, and an objection to every legitimate interest. */
export const rejectAll = (): TcfChoice => ({
  purposeConsents: [],
  purposeLegitimateInterests: [],
  specialFeatures: [],
  vendorConsents: [],
  vendorLegitimateInterests: [],
  acConsents: [],
})

export function toModel(choice: TcfChoice, gvl: Gvl, vendors: GvlVendor[], config: TcfConfig, lang: string, time: number): TcModel {
  return {
    time,
    cmpId: config.cmpId,
    cmpVersion: config.cmpVersion ?? 1,
    consentScreen: 1,
    consentLanguage: /^[a-z]{2}/i.test(lang) ? lang.slice(0, 2) : 'EN',
    vendorListVersion: gvl.vendorListVersion,
    policyVersion: gvl.tcfPolicyVersion,
    publisherCC: config.publisherCountryCode ?? 'AA',
    specialFeatures: choice.specialFeatures,
    purposeConsents: choice.purposeConsents,
    purposeLegitimateInterests: choice.purposeLegitimateInterests,
    vendorConsents: choice.vendorConsents,
    vendorLegitimateInterests: choice.vendorLegitimateInterests,
    disclosedVendors: vendors.map((v) => v.id),
  }
}

/**
 * Google's Additional Consent string, version 2: `2~<allowed ids>~dv.<ids shown but
 * not allowed>` (docs/tcf.md, "Google"). Undefined when no provider is configured.
 */
export function acString(config: TcfConfig, choice: TcfChoice): string | undefined {
  const providers = config.additionalConsent
  if (!providers?.length) return undefined
  const all = providers.map((p) => p.id).sort((a, b) => a - b)
  return `2~${all.filter((id) => choice.acConsents.includes(id)).join('.')}~dv.${all.filter((id) => !choice.acConsents.includes(id)).join('.')}`
}
