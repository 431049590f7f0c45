import { describe, expect, it } from 'vitest'
import { compactVerify, importJWK } from 'jose'
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { protectIp, truncateIp } from '../../src/server/ip.js'
import { loadOrCreateKey, verifyCountersignature } from '../../src/server/keys.js'
import { entryHash, toRanges } from '../../src/server/log.js'
import { sha256 } from './helpers/receipts.js'

describe('ip', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:0db8:0000:0001::', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0::/48'],
  ])('truncates %s to %s', (ip, network) => {
    expect(protectIp(ip, { mode: 'truncate' })).toBe(network)
  })

  it('keys the HMAC, drops on request, and never returns what it cannot parse', () => {
    const a = protectIp('203.0.113.77', { mode: 'hmac', key: 'k1' })
    expect(a).toMatch(/^hmac:[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(protectIp('203.0.113.77', { mode: 'hmac', key: 'k2' }))
    expect(a).toBe(protectIp('::ffff:203.0.113.77', { mode: 'hmac', key: 'k1' }))
    expect(protectIp('203.0.113.77', { mode: 'drop' })).toBeNull()
    expect(protectIp('not an ip', { mode: 'truncate' })).toBeNull()
    expect(protectIp(undefined, { mode: 'truncate' })).toBeNull()
    expect(truncateIp('999.1.1.1')).toBeNull()
  })
})

describe('collector key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-key-'))

  it('is created on first start with mode 0600 and reloaded with the same kid', () => {
    const file = join(dir, 'k.pem')
    const first = loadOrCreateKey({ file, create: true })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadOrCreateKey({ file }).kid).toBe(first.kid)
    expect(first.publicJwk).not.toHaveProperty('d')
    expect(() => loadOrCreateKey({ file: join(dir, 'missing.pem') })).toThrow(/does not exist/)
  })

  it('warns about a key file others can read', () => {
    const file = join(dir, 'open.pem')
    loadOrCreateKey({ file, create: true })
    chmodSync(file, 0o644)
    const warnings: string[] = []
    loadOrCreateKey({ file, warn: (m) => warnings.push(m) })
    expect(warnings[0]).toMatch(/readable by others/)
  })

  it.each(['EdDSA', 'ES256'] as const)('countersigns with %s so that jose verifies it', async (alg) => {
    const key = loadOrCreateKey({ file: join(dir, `${alg}.pem`), create: true, alg })
    const jws = key.sign({ hello: 'world' })
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key.publicJwk, alg))
    expect(protectedHeader).toEqual({ alg, typ: 'consent-countersignature+jwt', kid: key.kid })
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ hello: 'world' })
    expect(verifyCountersignature(jws, { keys: [key.publicJwk] })).toEqual({ payload: { hello: 'world' } })
    expect(verifyCountersignature(jws.slice(0, -4) + 'AAAA', { keys: [key.publicJwk] })).toEqual({ error: 'signature does not verify' })
  })

  it('takes a PEM from the environment instead of a file', () => {
    const file = join(dir, 'env.pem')
    const made = loadOrCreateKey({ file, create: true })
    const pem = readFileSync(file, 'utf8')
    writeFileSync(file, 'garbage')
    expect(loadOrCreateKey({ pem, file }).kid).toBe(made.kid)
  })
})

describe('log', () => {
  it('hashes entries as documented in docs/collector.md', () => {
    expect(entryHash('', 'abc', '2026-01-01T00:00:00.000Z', 1)).toBe(sha256('\nabc\n2026-01-01T00:00:00.000Z\n1'))
  })
  it('writes erased indexes as ranges', () => {
    expect(toRanges([1, 2, 3, 5, 7, 8])).toEqual([
      [1, 3],
      [5, 5],
      [7, 8],
    ])
  })
})
