// Receipts signed independently of src/receipts (node:crypto only), so that a bug shared by
// our signer and our verifier cannot hide.
import { createECDH, createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto'

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url')

export interface BrowserKey {
  privateKey: KeyObject
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string }
  kid: string
}

export function browserKey(): BrowserKey {
  // ECDH, not generateKeyPairSync + export({format: 'jwk'}): that pair hangs Node 20 now and
  // then, a GC inside the export running ~KeyGenJob on a mutex the export holds (src/server/keys.ts).
  const ecdh = createECDH('prime256v1')
  const point = ecdh.generateKeys()
  const secret = ecdh.getPrivateKey()
  const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }
  const d = b64url(Buffer.concat([Buffer.alloc(32 - secret.length), secret]))
  const privateKey = createPrivateKey({ key: { ...jwk, d }, format: 'jwk' })
  // RFC 7638: required members in lexicographic order, no whitespace.
  const kid = sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  return { privateKey, jwk, kid }
}

/** Compact JWS, ES256 as r‖s. `header` members override the usual receipt header. */
export function signJws(key: BrowserKey, payload: unknown, header: Record<string, unknown> = {}): string {
  const protectedHeader = { alg: 'ES256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid, ...header }
  const input = `${b64url(JSON.stringify(protectedHeader))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64url(signature)}`
}

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jti: randomUUID(),
    sub: 'c-' + randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    seq: 1,
    event: 'given',
    source: 'banner',
    categories: { necessary: true, analytics: true, advertising: false },
    services: { 'analytics:ga4': true },
    revision: 1,
    config: sha256('{"revision":1}'),
    texts: { lang: 'en', sha256: sha256('texts') },
    gcm: { analytics_storage: 'granted', ad_storage: 'denied' },
    gpc: false,
    origin: 'https://shop.example',
    controller: 'Example Ltd',
    policyUrl: 'https://shop.example/privacy',
    sdk: '0.1.0',
    ...overrides,
  }
}

/** One browser profile: a key and a consent id, signing a proper chain. */
export class Browser {
  readonly key = browserKey()
  readonly sub = 'c-' + randomUUID()
  seq = 0
  prev: string | undefined

  receipt(overrides: Record<string, unknown> = {}): string {
    this.seq += 1
    const jws = signJws(this.key, claims({ sub: this.sub, seq: this.seq, prev: this.prev, ...overrides }))
    this.prev = sha256(jws)
    return jws
  }

  /** A proof for GET /receipts/{sub}: fresh nonce and time, signed with this browser's key. */
  proof(overrides: Record<string, unknown> = {}, sub = this.sub): string {
    return signJws(this.key, { sub, nonce: randomUUID(), iat: Math.floor(Date.now() / 1000), htm: 'GET', ...overrides }, { typ: 'consent-export+jwt' })
  }
}
