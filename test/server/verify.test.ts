import { describe, expect, it } from 'vitest'
import { CompactSign, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import { sign } from 'node:crypto'
import { ReceiptError, verifyChain, verifyReceipt } from '../../src/receipts/verify.js'
import { Browser, b64url, browserKey, claims, sha256, signJws } from './helpers/receipts.js'

const enc = new TextEncoder()

/** A receipt signed by jose, the independent reference implementation. */
async function joseReceipt(payload = claims(), headerOverrides: Record<string, unknown> = {}) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const { kty, crv, x, y } = await exportJWK(publicKey)
  const jwk = { kty, crv, x, y }
  const kid = await calculateJwkThumbprint(jwk as never)
  const jws = await new CompactSign(enc.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ: 'consent-receipt+jwt', jwk, kid, ...headerOverrides } as never)
    .sign(privateKey)
  return { jws, kid, privateKey, jwk }
}

async function rejects(jws: string, code: string, message: RegExp, options = {}) {
  const error = await verifyReceipt(jws, options).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ReceiptError)
  expect((error as ReceiptError).code).toBe(code)
  expect((error as ReceiptError).message).toMatch(message)
}

describe('verifyReceipt', () => {
  it('accepts a receipt signed by jose and returns header, payload and the hash of the JWS', async () => {
    const payload = claims()
    const { jws, kid } = await joseReceipt(payload)
    const verified = await verifyReceipt(jws)
    expect(verified.header.kid).toBe(kid)
    expect(verified.payload).toEqual(payload)
    expect(verified.hash).toBe(sha256(jws))
    expect(verified.jws).toBe(jws)
  })

  it('accepts a receipt signed with node:crypto (r‖s), without optional claims', async () => {
    const { gcm: _g, controller: _c, policyUrl: _p, ...bare } = claims()
    await expect(verifyReceipt(signJws(browserKey(), bare))).resolves.toBeTruthy()
  })

  it('refuses alg none (unsigned)', async () => {
    const key = browserKey()
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid }))
    await rejects(`${header}.${b64url(JSON.stringify(claims()))}.`, 'format', /three non-empty/)
    await rejects(`${header}.${b64url(JSON.stringify(claims()))}.AAAA`, 'alg', /header\.alg: expected "ES256", got "none"/)
  })

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const key = browserKey()
    const secret = enc.encode(JSON.stringify(key.jwk))
    const jws = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid } as never).sign(secret)
    await rejects(jws, 'alg', /expected "ES256", got "HS256"/)
  })

  it('refuses RS256 and ES384', async () => {
    const rsa = await generateKeyPair('RS256')
    const rs = await new CompactSign(enc.encode(JSON.stringify(claims()))).setProtectedHeader({ alg: 'RS256', typ: 'consent-receipt+jwt' }).sign(rsa.privateKey)
    await rejects(rs, 'alg', /got "RS256"/)
    await rejects(signJws(browserKey(), claims(), { alg: 'ES384' }), 'alg', /got "ES384"/)
  })

  it('refuses a jwk carrying the private key d', async () => {
    const key = browserKey()
    const d = (key.privateKey.export({ format: 'jwk' }) as { d: string }).d
    await rejects(signJws(key, claims(), { jwk: { ...key.jwk, d } }), 'jwk', /contains "d"/)
  })

  it('refuses a jwk that is not P-256 or not on the curve', async () => {
    const key = browserKey()
    await rejects(signJws(key, claims(), { jwk: { ...key.jwk, crv: 'P-384' } }), 'jwk', /crv: expected "P-256"/)
    await rejects(signJws(key, claims(), { jwk: 'abc' }), 'jwk', /expected the signer's public key/)
    const offCurve = { ...key.jwk, y: key.jwk.x }
    const kid = sha256(JSON.stringify({ crv: 'P-256', kty: 'EC', x: offCurve.x, y: offCurve.y }))
    await rejects(signJws(key, claims(), { jwk: offCurve, kid }), 'jwk', /not a valid P-256 public key/)
  })

  it('refuses a kid that is not the thumbprint of the jwk', async () => {
    await rejects(signJws(browserKey(), claims(), { kid: 'someone-else' }), 'kid', /RFC 7638 thumbprint/)
    // Another real key's thumbprint: the key in the header and the kid disagree.
    await rejects(signJws(browserKey(), claims(), { kid: browserKey().kid }), 'kid', /thumbprint/)
  })

  it('refuses a receipt signed by a different key than its jwk', async () => {
    const signer = browserKey()
    const claimed = browserKey()
    await rejects(signJws(signer, claims(), { jwk: claimed.jwk, kid: claimed.kid }), 'signature', /does not verify/)
  })

  it('refuses a tampered payload and a DER signature', async () => {
    const { jws } = await joseReceipt()
    const [h, , s] = jws.split('.')
    const forged = `${h}.${b64url(JSON.stringify(claims({ categories: { necessary: true, advertising: true } })))}.${s}`
    await rejects(forged, 'signature', /does not verify/)
    const key = browserKey()
    const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid }))}.${b64url(JSON.stringify(claims()))}`
    const der = sign('sha256', Buffer.from(input), key.privateKey)
    await rejects(`${input}.${b64url(der)}`, 'signature', /expected 64 bytes/)
  })

  it('refuses truncated, non-JSON and non-string input', async () => {
    const { jws } = await joseReceipt()
    await rejects(jws.slice(0, jws.lastIndexOf('.')), 'format', /compact JWS/)
    await rejects(jws.slice(0, -10), 'signature', /64 bytes|does not verify/)
    await rejects('{"alg":"ES256"}', 'format', /compact JWS/)
    await rejects(`${b64url('not json')}.${b64url('{}')}.AAAA`, 'format', /header: not base64url-encoded UTF-8 JSON/)
    await rejects(`${b64url('[1]')}.${b64url('{}')}.AAAA`, 'format', /header: expected a JSON object/)
    await rejects(42 as unknown as string, 'format', /expected a compact JWS string/)
  })

  it('refuses a wrong typ and a crit header', async () => {
    await rejects(signJws(browserKey(), claims(), { typ: 'JWT' }), 'format', /header\.typ: expected "consent-receipt\+jwt", got "JWT"/)
    await rejects(signJws(browserKey(), claims(), { crit: ['exp'] }), 'format', /crit/)
  })

  it.each([
    [{ jti: 'not-a-uuid' }, /payload\.jti: expected a UUID/],
    [{ sub: '' }, /payload\.sub: expected a non-empty string/],
    [{ iat: 1.5 }, /payload\.iat: expected an integer/],
    [{ seq: '2' }, /payload\.seq: expected an integer ≥ 1, got "2"/],
    [{ seq: 0 }, /payload\.seq/],
    [{ seq: 2 }, /payload\.prev: expected a base64url SHA-256/],
    [{ seq: 1, prev: 'short' }, /payload\.prev/],
    [{ reset: 'because' }, /payload\.reset/],
    [{ event: 'clicked' }, /payload\.event: expected "given" \| "updated"/],
    [{ source: 'ad' }, /payload\.source/],
    [{ categories: ['analytics'] }, /payload\.categories: expected an object of booleans/],
    [{ categories: { analytics: 'yes' } }, /payload\.categories\["analytics"\]: expected booleans, got "yes"/],
    [{ services: null }, /payload\.services/],
    [{ revision: -1 }, /payload\.revision/],
    [{ config: 'abc' }, /payload\.config/],
    [{ texts: { lang: 'en' } }, /payload\.texts\.sha256/],
    [{ gcm: { ad_storage: 'yes' } }, /payload\.gcm\["ad_storage"\]/],
    [{ gpc: 'false' }, /payload\.gpc: expected a boolean/],
    [{ origin: 7 }, /payload\.origin/],
    [{ sdk: undefined }, /payload\.sdk/],
  ])('refuses claims %j', async (overrides, message) => {
    await rejects(signJws(browserKey(), claims(overrides)), 'claims', message)
  })

  it('accepts seq > 1 without prev when the browser says it reset', async () => {
    await expect(verifyReceipt(signJws(browserKey(), claims({ seq: 4, reset: 'key-lost' })))).resolves.toBeTruthy()
  })

  it('bounds iat: 5 minutes ahead, 400 days back by default, both configurable', async () => {
    const now = Date.UTC(2026, 0, 1)
    const at = (seconds: number) => signJws(browserKey(), claims({ iat: Math.floor(now / 1000) + seconds }))
    await expect(verifyReceipt(at(299), { now })).resolves.toBeTruthy()
    await rejects(at(301), 'iat', /301 s in the future; at most 300 s/, { now })
    await rejects(at(86400 * 365 * 10), 'iat', /in the future/, { now })
    await expect(verifyReceipt(at(-399 * 86400), { now })).resolves.toBeTruthy()
    await rejects(at(-401 * 86400), 'iat', /old/, { now })
    await expect(verifyReceipt(at(3000), { now, maxFutureSkewSeconds: 3600 })).resolves.toBeTruthy()
    await rejects(at(-120), 'iat', /old/, { now, maxAgeSeconds: 60 })
  })
})

describe('verifyChain', () => {
  it('finds no break in a proper chain, in any order', async () => {
    const browser = new Browser()
    const receipts = await Promise.all(
      [browser.receipt(), browser.receipt({ event: 'updated' }), browser.receipt({ event: 'withdrawn' })].map((j) => verifyReceipt(j)),
    )
    const report = verifyChain([receipts[2]!, receipts[0]!, receipts[1]!])
    expect(report.ok).toBe(true)
    expect(report.subjects[browser.sub]).toEqual({ receipts: 3, breaks: [] })
  })

  it('names seq gaps, prev mismatches, key changes, forks and restarts per consent id', async () => {
    const a = new Browser()
    const a1 = a.receipt()
    a.receipt() // seq 2 never arrives
    const a3 = a.receipt()
    const b = new Browser()
    const b1 = b.receipt()
    const b2 = b.receipt({ prev: sha256('something else') })
    const c = new Browser()
    const c1 = c.receipt()
    const other = browserKey()
    const c2 = signJws(other, claims({ sub: c.sub, seq: 2, prev: sha256(c1) }))
    const c2fork = c.receipt({ event: 'updated' })
    const d = new Browser()
    const d1 = d.receipt()
    const d5 = signJws(browserKey(), claims({ sub: d.sub, seq: 5, reset: 'key-lost' }))
    const verified = await Promise.all([a1, a3, b1, b2, c1, c2, c2fork, d1, d5].map((j) => verifyReceipt(j)))
    const report = verifyChain(verified)
    expect(report.ok).toBe(false)
    const kinds = (sub: string) => report.subjects[sub]!.breaks.map((x) => `${x.seq}:${x.kind}`)
    expect(kinds(a.sub)).toEqual(['3:seq-gap'])
    expect(kinds(b.sub)).toEqual(['2:prev-mismatch'])
    expect(kinds(c.sub).sort()).toEqual(['2:duplicate-seq', '2:key-change'])
    expect(kinds(d.sub)).toEqual(['5:restart'])
    expect(report.breaks).toHaveLength(5)
    expect(report.breaks[0]).toMatchObject({ sub: a.sub, jti: JSON.parse(Buffer.from(a3.split('.')[1]!, 'base64url').toString()).jti })
  })
})
