// The receipt wire format (docs/receipts.md). Shared by the browser signer,
// receipts/verify and the collector — keep it free of DOM and Node imports.

import type { Mode } from '../config/types.js'

/** What a receipt records (docs/receipts.md); the collector accepts these and no others. */
export const RECEIPT_EVENTS = ['given', 'updated', 'withdrawn', 'refused', 'renewed'] as const
export type ReceiptEvent = (typeof RECEIPT_EVENTS)[number]
/**
 * Where the decision was made. The IAB TCF layer adds two (docs/tcf.md, "Receipts"): `tcf`, a
 * change of TCF choices alone, and `tcf-late`, the TC string of a decision whose receipt left before it.
 */
export const RECEIPT_SOURCES = ['banner', 'preferences', 'api', 'gpc', 'placeholder', 'tcf', 'tcf-late'] as const
export type ReceiptSource = (typeof RECEIPT_SOURCES)[number]
export type GcmValue = 'granted' | 'denied'

export interface PublicJwk {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
}

export interface ReceiptHeader {
  alg: 'ES256'
  typ: 'consent-receipt+jwt'
  jwk: PublicJwk
  /** RFC 7638 thumbprint of `jwk`. */
  kid: string
}

export interface ReceiptPayload {
  /** Receipt id, a UUIDv7. */
  jti: string
  /** Consent id (the one kept in the consent cookie). */
  sub: string
  /** NumericDate, seconds. */
  iat: number
  /** 1, 2, … per consent id and key. */
  seq: number
  /** base64url SHA-256 of the previous compact JWS; absent when seq is 1. */
  prev?: string
  /**
   * Why a chain starts again although this consent id had one: the signing key
   * was gone (`key-lost`: storage wiped) or IndexedDB cannot be used
   * (`no-storage`: the key lives only as long as the page).
   */
  reset?: 'key-lost' | 'no-storage'
  event: ReceiptEvent
  source: ReceiptSource
  /** Every configured category, explicit true/false. */
  categories: Record<string, boolean>
  /** Flat "category:service" keys, explicit true/false. */
  services: Record<string, boolean>
  revision: number
  /** base64url SHA-256 of the JCS-canonical config that was shown. */
  config: string
  texts: { lang: string; sha256: string }
  /** Consent Mode values sent; absent when Consent Mode is off. */
  gcm?: Record<string, GcmValue>
  gpc: boolean
  origin: string
  controller?: string
  policyUrl?: string
  sdk: string
  /** The consent mode the visitor was under: opt-in, opt-out or notice. */
  mode?: Mode
  /** The region code the SDK used (config `region` or `data-region`), when known. */
  region?: string
  /** IAB TCF: the TC string this decision gave vendors (docs/tcf.md, "Receipts"); absent without `tcf` or where GDPR does not apply. */
  tcf?: string
  /**
   * Google Additional Consent: the AC string (`2~<allowed ids>~dv.<refused ids>`) vendors got
   * beside `tcf`, when the config lists Additional Consent providers (docs/tcf.md, "Receipts").
   */
  addtlConsent?: string
}

/** A receipt's IAB TCF claims, as the TCF chunk hands them over. */
export type TcfClaims = Pick<ReceiptPayload, 'tcf' | 'addtlConsent'>
