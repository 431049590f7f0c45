import { describe, expect, it } from 'vitest'
import { compactVerify, importJWK } from 'jose'
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { protectIp, truncateIp } from '../../src/server/ip.js'
import { loadOrCreateKey, verifyCountersignature } from '../../src/server/keys.js'
import { entryHash, toRanges } from '../../src/server/log.js'
import { Rollup, upserts } from '../../src/server/storage/rollup.js'
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

describe('statistics rollup', () => {
  // Receipts of three days, two regions and modes, a key with "\u0000" (not cached), GPC and a
  // TCF change that counts nowhere; each given as stored (parsed from the JWS) and with the
  // payload verification parsed.
  const payloads = Array.from({ length: 40 }, (_, i) => ({
    region: i % 7 === 0 ? 'E\u0000U' : i % 3 === 0 ? 'US-CA' : 'EU',
    mode: i % 2 === 0 ? 'opt-in' : 'opt-out',
    revision: 1 + (i % 2),
    config: 'cfg',
    texts: { lang: i % 5 === 0 ? 'de' : 'en' },
    source: i % 11 === 0 ? 'tcf' : i % 4 === 0 ? 'gpc' : 'banner',
    categories: { necessary: true, analytics: i % 3 !== 1, ads: i % 2 === 0, ...(i % 6 === 0 ? { extra: true } : {}) },
  }))
  const entries = payloads.map((p, i) => ({
    kind: 'receipt' as const,
    jws: `h.${Buffer.from(JSON.stringify(p)).toString('base64url')}.s`,
    receivedMs: Date.UTC(2026, 2, 1 + (i % 3), 12),
  }))

  // The counts worked out one receipt and one row at a time, as the rollup's definition says.
  function expected() {
    const rows = new Map<string, Record<string, unknown>>()
    const categories = new Map<string, Record<string, unknown>>()
    entries.forEach((e, i) => {
      const p = payloads[i]!
      if (p.source === 'tcf') return
      const day = Math.floor(e.receivedMs / 86_400_000)
      const optional = Object.entries(p.categories).filter(([name]) => name !== 'necessary')
      const choice = optional.every(([, on]) => on) ? 'acceptAll' : optional.every(([, on]) => !on) ? 'rejectAll' : 'custom'
      const keys: [string, string][] = [
        ['all', ''],
        ['region', p.region],
        ['mode', p.mode],
        ['revision', `${p.revision}:${p.config}`],
        ['language', p.texts.lang],
      ]
      for (const [dimension, key] of keys) {
        const id = `${dimension}|${day}|${key}`
        const row = rows.get(id) ?? { dimension, day, key, decisions: 0, acceptAll: 0, rejectAll: 0, custom: 0, gpc: 0 }
        rows.set(id, row)
        row.decisions = (row.decisions as number) + 1
        row[choice] = (row[choice] as number) + 1
        if (p.source === 'gpc') row.gpc = (row.gpc as number) + 1
        for (const [category, on] of Object.entries(p.categories)) {
          const c = categories.get(`${id}|${category}`) ?? { dimension, day, key, category, granted: 0, denied: 0 }
          categories.set(`${id}|${category}`, c)
          if (on) c.granted = (c.granted as number) + 1
          else c.denied = (c.denied as number) + 1
        }
      }
    })
    return { rows: [...rows.values()], categories: [...categories.values()] }
  }

  it('sums every receipt into its rows, in first-seen order, whether the payload is parsed from the JWS or given', () => {
    const parsed = new Rollup().addEntries(entries)
    const given = new Rollup()
    entries.forEach((e, i) => given.addEntry(e, payloads[i]))
    for (const rollup of [parsed, given]) {
      expect({ rows: [...rollup.rows.values()], categories: [...rollup.categories.values()] }).toEqual(expected())
    }
    expect(upserts(given)).toEqual(upserts(parsed))
  })
})
