import { thumbprint } from './digest.js'
import * as idb from './idb.js'
import type { PublicJwk } from './types.js'

export interface SigningKey {
  privateKey: CryptoKey
  jwk: PublicJwk
  kid: string
  /** False when IndexedDB could not keep it: the key lives as long as the page. */
  persistent: boolean
}

const ID = 'signing-key'

async function describe(pair: CryptoKeyPair, persistent: boolean): Promise<SigningKey> {
  const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PublicJwk
  const jwk: PublicJwk = { kty, crv, x, y }
  return { privateKey: pair.privateKey, jwk, kid: await thumbprint(jwk), persistent }
}

let cached: Promise<SigningKey> | undefined

/**
 * This browser's ECDSA P-256 key (docs/receipts.md): generated once with
 * `extractable: false` — script can sign with it but never read it — and kept in
 * IndexedDB, which stores CryptoKey objects as they are.
 */
export function signingKey(): Promise<SigningKey> {
  return (cached ??= (async () => {
    try {
      const stored = await idb.get<CryptoKeyPair>('keys', ID)
      if (stored) return describe(stored, true)
    } catch {
      // No IndexedDB (private mode, blocked storage): a key for this page only.
      return describe(await generate(), false)
    }
    const pair = await generate()
    try {
      await idb.put('keys', pair, ID)
      return describe(pair, true)
    } catch {
      return describe(pair, false)
    }
  })())
}

const generate = (): Promise<CryptoKeyPair> =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>
