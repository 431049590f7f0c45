// The collector's fast paths give exactly the verdicts of receipts/verify on WebCrypto: the
// node:crypto Es256Verifier (with and without its key cache) and the worker-thread pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from 'node:crypto'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ReceiptError, verifyReceipt, type Es256Verifier } from '../../src/receipts/verify.js'
import { decode } from '../../src/core/base64url.js'
import { nodeBase64url, nodeEs256Verifier } from '../../src/server/crypto.js'
import { factsOf, type ReceiptFacts } from '../../src/server/verify-pool.js'
import { collectorCli } from './helpers/collector.js'
import { b64url, browserKey, claims, sha256, signJws } from './helpers/receipts.js'

const NOW = Date.UTC(2026, 0, 15, 12)
const at = (seconds: number) => Math.floor(NOW / 1000) + seconds

function cases(): [string, string][] {
  const key = browserKey()
  const other = browserKey()
  const good = signJws(key, claims({ iat: at(0) }))
  const [h, , s] = good.split('.')
  const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'consent-receipt+jwt', jwk: key.jwk, kid: key.kid }))}.${b64url(JSON.stringify(claims({ iat: at(0) })))}`
  const offCurve = { ...key.jwk, y: key.jwk.x }
  const d = (key.privateKey.export({ format: 'jwk' }) as { d: string }).d
  return [
    ['valid', good],
    ['valid, same key again (cached)', signJws(key, claims({ iat: at(1), seq: 2, prev: sha256(good) }))],
    ['valid, with surrounding whitespace', `\n ${signJws(other, claims({ iat: at(0) }))} \n`],
    ['alg none', `${b64url(JSON.stringify({ alg: 'none', typ: 'consent-receipt+jwt' }))}.${b64url(JSON.stringify(claims()))}.`],
    ['alg HS256', signJws(key, claims({ iat: at(0) }), { alg: 'HS256' })],
    ['jwk with d', signJws(key, claims({ iat: at(0) }), { jwk: { ...key.jwk, d } })],
    ['jwk P-384', signJws(key, claims({ iat: at(0) }), { jwk: { ...key.jwk, crv: 'P-384' } })],
    [
      'jwk off the curve',
      signJws(key, claims({ iat: at(0) }), { jwk: offCurve, kid: sha256(JSON.stringify({ crv: 'P-256', kty: 'EC', x: offCurve.x, y: offCurve.y })) }),
    ],
    ['kid mismatch', signJws(key, claims({ iat: at(0) }), { kid: other.kid })],
    // The cached key of `key` must not make a signature by `other` pass.
    ['signed by another key than its (cached) jwk', signJws(other, claims({ iat: at(0) }), { jwk: key.jwk, kid: key.kid })],
    ['tampered payload', `${h}.${b64url(JSON.stringify(claims({ iat: at(0), categories: { advertising: true } })))}.${s}`],
    ['DER signature', `${input}.${b64url(sign('sha256', Buffer.from(input), key.privateKey))}`],
    ['truncated', good.slice(0, -10)],
    // 4n + 1 characters encode no byte string: not base64url, whatever Buffer would make of them.
    ['signature of 4n + 1 characters', `${good}A`],
    ['header of 4n + 1 characters', `${h}${'AAAA'.slice(0, (5 - (h!.length % 4)) % 4 || 4)}.${good.split('.')[1]}.${s}`],
    ['not JSON', `${b64url('not json')}.${b64url('{}')}.AAAA`],
    ['iat far in the future', signJws(key, claims({ iat: at(3600) }))],
    ['bad claims', signJws(key, claims({ iat: at(0), event: 'clicked' }))],
  ]
}

type Outcome = { facts: ReceiptFacts } | { name: string; code: string; message: string }
const outcome = (run: () => Promise<ReceiptFacts>): Promise<Outcome> =>
  run().then(
    (facts) => ({ facts }),
    (e: Error & { code: string }) => ({ name: e.name, code: e.code, message: e.message }),
  )

const subtle = (jws: string) => outcome(async () => factsOf(await verifyReceipt(jws, { now: NOW })))
const withNode = (es256: Es256Verifier) => (jws: string) =>
  outcome(async () => factsOf(await verifyReceipt(jws, { now: NOW, sha256, es256, base64url: nodeBase64url })))

describe('node:crypto Es256Verifier', () => {
  for (const [label, es256] of [
    ['with its key cache', nodeEs256Verifier()],
    ['without a cache', nodeEs256Verifier({ cacheSize: 0 })],
    ['with a cache of 1', nodeEs256Verifier({ cacheSize: 1 })],
  ] as const) {
    it(`gives WebCrypto's verdict on every case, ${label}`, async () => {
      const table = cases()
      for (const [name, jws] of table) {
        const expected = await subtle(jws)
        expect(await withNode(es256)(jws), name).toEqual(expected)
      }
      const verdicts = await Promise.all(table.map(([, jws]) => subtle(jws)))
      expect(verdicts.filter((v) => 'facts' in v)).toHaveLength(3)
      expect(verdicts.filter((v) => !('facts' in v)).every((v) => (v as { name: string }).name === 'ReceiptError')).toBe(true)
    })
  }

  it('decodes base64url as core/base64url does, and refuses what it refuses', () => {
    const verdict = (run: () => Uint8Array) => {
      try {
        return [...run()]
      } catch (error) {
        return (error as Error).name
      }
    }
    for (const text of ['', 'AA', 'AAA', 'AAAA', 'A', 'AAAAA', '_-_-', 'ab+/', 'ab==', 'a b', 'é', b64url('{"a":1}'), b64url('x'.repeat(99))]) {
      expect(
        verdict(() => nodeBase64url(text)),
        JSON.stringify(text),
      ).toEqual(verdict(() => decode(text)))
    }
  })

  it('throws ReceiptError jwk for a point off the curve', async () => {
    const key = browserKey()
    const offCurve = { ...key.jwk, y: key.jwk.x }
    const jws = signJws(key, claims(), { jwk: offCurve, kid: sha256(JSON.stringify({ crv: 'P-256', kty: 'EC', x: offCurve.x, y: offCurve.y })) })
    const error = await verifyReceipt(jws, { sha256, es256: nodeEs256Verifier() }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReceiptError)
    expect((error as ReceiptError).code).toBe('jwk')
  })
})

describe('VerifyPool (worker threads, compiled collector)', () => {
  // Worker threads run JavaScript files: use the collector as tsc compiles it for the CLI tests.
  let pool: { verify(jws: string, now: number): Promise<ReceiptFacts>; close(): Promise<void> }
  beforeAll(async () => {
    const dir = dirname(collectorCli())
    const { VerifyPool } = await import(/* @vite-ignore */ pathToFileURL(join(dir, 'verify-pool.js')).href)
    pool = new VerifyPool({ threads: 2 })
  })
  afterAll(() => pool?.close())

  it("gives WebCrypto's verdict on every case, many at once", async () => {
    const table = cases()
    const expected = await Promise.all(table.map(([, jws]) => subtle(jws)))
    const got = await Promise.all(table.map(([, jws]) => outcome(() => pool.verify(jws, NOW))))
    table.forEach(([name], i) => expect(got[i], name).toEqual(expected[i]))
  })

  it('keeps answering after bad input', async () => {
    const key = browserKey()
    const jws = signJws(key, claims({ iat: at(0) }))
    await expect(pool.verify('nonsense', NOW)).rejects.toMatchObject({ name: 'ReceiptError', code: 'format' })
    await expect(pool.verify(jws, NOW)).resolves.toMatchObject({ kid: key.kid, hash: sha256(jws) })
  })
})
