// Who may read or erase stored receipts: the admin (bearer token), or — for reading its own
// receipts only — the browser that signed them, proving it holds the key.

import { createHash, timingSafeEqual } from 'node:crypto'
import { ReceiptError, verifyEmbeddedKeyJws, type Es256Verifier } from '../receipts/verify.js'
import { HttpError } from './errors.js'

const PROOF_TYP = 'consent-export+jwt'
/** How old (or how far ahead) a browser's proof may be. */
const PROOF_WINDOW_SECONDS = 300

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * Checks `Authorization: Bearer <token>` against the configured admin token. Without a
 * configured token admin routes are closed (403), never open.
 */
export function checkAdmin(adminToken: string | undefined, authorization: string | undefined): void {
  if (!adminToken) throw new HttpError(403, 'admin-disabled', 'no admin token is configured (set CONSENTRY_ADMIN_TOKEN)')
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  // Compare digests: equal length always, and timingSafeEqual reveals nothing about the prefix.
  if (!match || !timingSafeEqual(digest(match[1]!), digest(adminToken))) {
    throw new HttpError(401, 'unauthorized', 'expected Authorization: Bearer <admin token>')
  }
}

export const isBearer = (authorization: string | undefined): boolean => /^Bearer\s/i.test(authorization ?? '')

/**
 * Records a proof's nonce for as long as the proof could still be accepted; false when it was
 * used before. The collector keeps them in its store (Repository.useNonce), so that collectors
 * sharing a database refuse a replayed request too.
 */
export type UseNonce = (nonce: string, nowMs: number, expiresMs: number) => Promise<boolean>

/**
 * Checks `Authorization: Consentry <jws>`: an ES256 JWS (typ consent-export+jwt) with the
 * browser's public key in its header, over {sub, htm: "GET", iat, nonce}. Returns the kid;
 * the caller still checks that this key signed receipts of `sub`.
 */
export async function checkProof(authorization: string | undefined, sub: string, nowMs: number, useNonce: UseNonce, es256?: Es256Verifier): Promise<string> {
  const match = /^Consentry\s+(\S+)$/i.exec(authorization ?? '')
  if (!match) throw new HttpError(401, 'unauthorized', 'expected Authorization: Bearer <admin token> or Consentry <proof signed with the browser key>')
  let header, payload
  try {
    ;({ header, payload } = await verifyEmbeddedKeyJws(match[1]!, PROOF_TYP, undefined, es256))
  } catch (error) {
    if (error instanceof ReceiptError) throw new HttpError(401, 'proof', `proof: ${error.message}`)
    throw error
  }
  if (payload.sub !== sub) throw new HttpError(403, 'proof', `proof: sub is ${JSON.stringify(payload.sub)}, not the consent id asked for`)
  if (payload.htm !== 'GET') throw new HttpError(401, 'proof', 'proof: htm must be "GET"')
  const now = nowMs / 1000
  if (!Number.isInteger(payload.iat) || Math.abs((payload.iat as number) - now) > PROOF_WINDOW_SECONDS) {
    throw new HttpError(401, 'proof', `proof: iat must be the current time (± ${PROOF_WINDOW_SECONDS} s), in seconds`)
  }
  if (typeof payload.nonce !== 'string' || payload.nonce.length < 16 || payload.nonce.length > 128) {
    throw new HttpError(401, 'proof', 'proof: nonce must be a random string of 16 to 128 characters')
  }
  // Kept until no proof with this nonce could pass the iat check above.
  if (!(await useNonce(payload.nonce, nowMs, nowMs + 2 * PROOF_WINDOW_SECONDS * 1000)))
    throw new HttpError(401, 'proof', 'proof: this nonce was already used; sign a new proof')
  return header.kid
}
