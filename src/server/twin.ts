// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n − s), and anyone who sees a
// receipt can make that second form without the key. The collector therefore treats the two
// forms of one receipt as the same receipt: a "twin" posted first makes the real one a
// duplicate (200), not a conflict, and a `prev` made from either form links to the stored one
// (docs/collector.md, "Signature malleability"). Browsers sign with WebCrypto, whose s is not
// normalised to the low half, so requiring low-s would refuse half of all real receipts.

import { sha256 } from './sha256.js'

/** The order of the P-256 group (FIPS 186-4, D.1.2.3). */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

const toBigInt = (bytes: Buffer): bigint => BigInt('0x' + (bytes.toString('hex') || '0'))

/** The compact JWS with its ES256 signature (r ‖ s) replaced by (r ‖ n − s); undefined if not ES256-shaped. */
function twinOf(jws: string): string | undefined {
  const dot = jws.lastIndexOf('.')
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url')
  if (dot < 0 || signature.length !== 64) return undefined
  const s = toBigInt(signature.subarray(32))
  if (s === 0n || s >= N) return undefined
  const mirrored = Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')
  return `${jws.slice(0, dot)}.${Buffer.concat([signature.subarray(0, 32), mirrored]).toString('base64url')}`
}

/** base64url SHA-256 of the twin of `jws` ('' when it has none, which matches no hash). */
export const twinHash = (jws: string): string => {
  const twin = twinOf(jws)
  return twin === undefined ? '' : sha256(twin)
}
