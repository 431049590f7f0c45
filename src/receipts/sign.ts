import { encode, encodeJson, utf8 } from '../core/base64url.js'
import type { SigningKey } from './key.js'
import type { ReceiptHeader, ReceiptPayload } from './types.js'

/**
 * A compact JWS (RFC 7515) with alg ES256. WebCrypto's ECDSA signature is the
 * 64-byte r‖s form that JWS wants (RFC 7518 §3.4): no DER conversion.
 */
export async function signReceipt(payload: ReceiptPayload, key: SigningKey): Promise<string> {
  const header: ReceiptHeader = { alg: 'ES256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid }
  const input = `${encodeJson(header)}.${encodeJson(payload)}`
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, utf8(input))
  return `${input}.${encode(signature)}`
}
