// node:crypto for the collector's hot path. receipts/verify uses WebCrypto so that it runs in
// browsers too; in Node 20 each subtle call is a promise job plus a key import costing about as
// much as the verification itself. Here crypto.verify is synchronous native code and imported
// keys are KeyObjects, cached by thumbprint.

import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { ReceiptError, type Es256Verifier } from '../receipts/verify.js'

const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * VerifyOptions.base64url over Buffer: the verdicts of core/base64url's decode (its alphabet
 * only, and no length of 4n + 1, which no byte string encodes to) without the binary string,
 * the two replaced copies and the byte-by-byte copy that atob needs.
 */
export function nodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1 || !BASE64URL.test(text)) throw new TypeError('not base64url')
  return Buffer.from(text, 'base64url') as Uint8Array<ArrayBuffer>
}

/** Default number of browser keys kept imported (a KeyObject is well under 1 KiB). */
const DEFAULT_KEY_CACHE_SIZE = 4096

/**
 * An Es256Verifier on node:crypto. Keys are cached by their checked thumbprint (an entry can
 * only ever hold the key that hashes to it), oldest out. `cacheSize: 0` disables the cache.
 */
export function nodeEs256Verifier(options: { cacheSize?: number } = {}): Es256Verifier {
  const cacheSize = options.cacheSize ?? DEFAULT_KEY_CACHE_SIZE
  const cache = new Map<string, KeyObject>()
  return (jwk, kid, signature, data) => {
    let key = cache.get(kid)
    if (!key) {
      try {
        // Only the members that define the key: nothing else in the header reaches OpenSSL.
        key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' })
      } catch {
        throw new ReceiptError('jwk', 'header.jwk: not a valid P-256 public key (point not on the curve)')
      }
      if (cacheSize > 0) {
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string)
        cache.set(kid, key)
      }
    }
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  }
}
