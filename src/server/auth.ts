// Who may read or erase stored receipts: the admin (bearer token), or — for reading its own
// receipts only — the browser that signed them, proving it holds the key.

import { createHash, timingSafeEqual } from 'node:crypto'
import { ReceiptError, verifyEmbeddedKeyJws, type Es256Verifier } from '../receipts/verify.js'
import { HttpError } from './errors.js'

export const PROOF_TYP = 'consent-export+jwt'
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
 * Nonces of accepted proofs, kept as long as the proof could still be accepted, so a captured
 * request cannot be replayed. Per process: with several collectors behind a balancer a proof
 * could be replayed once per process within the window, which only re-reads the same data.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>()
  /** false when `nonce` was already used. */
  remember(nonce: string, nowMs: number): boolean {
    for (const [n, expires] of this.seen) {
      if (expires > nowMs) break // insertion order is expiry order
      this.seen.delete(n)
    }
    if (this.seen.has(nonce)) return false
    this.seen.set(nonce, nowMs + 2 * PROOF_WINDOW_SECONDS * 1000)
    return true
  }
}

/**
 * Checks `Authorization: Consentry <jws>`: an ES256 JWS (typ consent-export+jwt) with the
 * browser's public key in its header, over {sub, htm: "GET", iat, nonce}. Returns the kid;
 * the caller still checks that this key signed receipts of `sub`.
 */
export async function checkProof(authorization: string | undefined, sub: string, nowMs: number, nonces: NonceCache, es256?: Es256Verifier): Promise<string> {
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
  if (!nonces.remember(payload.nonce, nowMs)) throw new HttpError(401, 'proof', 'proof: this nonce was already used; sign a new proof')
  return header.kid
}
