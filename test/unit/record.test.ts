import { describe, expect, test } from 'vitest'
import { decodeRecord, encodeRecord, type ConsentRecord } from '../../src/core/record.js'

const record: ConsentRecord = {
  id: 'AbCdEfGhIjKlMnOpQrStUv',
  revision: 2,
  decidedAt: 1_790_000_000,
  expiresAt: 1_805_724_800,
  categories: ['necessary', 'analytics'],
  services: ['analytics:ga4'],
}

describe('consent cookie record', () => {
  test('round-trips, refusals included (an empty list is a remembered refusal)', () => {
    expect(decodeRecord(encodeRecord(record))).toEqual(record)
    const refused = { ...record, categories: ['necessary'], services: [] }
    expect(decodeRecord(encodeRecord(refused))).toEqual(refused)
  })

  test('is compact', () => {
    expect(encodeRecord(record)).toBe('1.AbCdEfGhIjKlMnOpQrStUv.2.tlpwu8.tv2y68.necessary+analytics.analytics:ga4')
  })

  test.each([
    ['empty', ''],
    ['garbage', '%%%'],
    ['JSON from another tool', '{"categories":["analytics"]}'],
    ['unknown version', '2.AbCdEfGhIjKlMnOpQrStUv.2.tm37k0.txy1uo.necessary.'],
    ['missing fields', '1.AbCdEfGhIjKlMnOpQrStUv.2'],
    ['extra fields', encodeRecord(record) + '.x'],
    ['short id', '1.abc.2.tm37k0.txy1uo.necessary.'],
    ['bad revision', '1.AbCdEfGhIjKlMnOpQrStUv.x.tm37k0.txy1uo.necessary.'],
    ['bad time', '1.AbCdEfGhIjKlMnOpQrStUv.2.TM!.txy1uo.necessary.'],
    ['injected names', '1.AbCdEfGhIjKlMnOpQrStUv.2.tm37k0.txy1uo.necessary+<script>.'],
    ['oversized', '1.AbCdEfGhIjKlMnOpQrStUv.2.tm37k0.txy1uo.' + 'a+'.repeat(2000) + 'a.'],
    ['not a string', 42],
  ])('%s → null, never an exception', (_, value) => {
    expect(decodeRecord(value)).toBeNull()
  })
})

describe('consent cookie record: source and partial decisions', () => {
  test('a record from before (seven fields) still reads, as a full decision of unknown source', () => {
    const old = '1.AbCdEfGhIjKlMnOpQrStUv.2.tlpwu8.tv2y68.necessary+analytics.analytics:ga4'
    expect(decodeRecord(old)).toEqual(record)
  })

  test('source and the partial mark round-trip', () => {
    const full = { ...record, source: 'banner' as const }
    expect(encodeRecord(full)).toBe('1.AbCdEfGhIjKlMnOpQrStUv.2.tlpwu8.tv2y68.necessary+analytics.analytics:ga4.banner')
    expect(decodeRecord(encodeRecord(full))).toEqual(full)
    const partial = { ...record, services: ['functional:youtube'], source: 'placeholder' as const, partial: true }
    expect(decodeRecord(encodeRecord(partial))).toEqual(partial)
  })

  test("the checked config's fingerprint round-trips, after an empty partial mark when the record is whole", () => {
    const whole = { ...record, source: 'banner' as const, checked: '1x2y3z' }
    expect(encodeRecord(whole)).toBe('1.AbCdEfGhIjKlMnOpQrStUv.2.tlpwu8.tv2y68.necessary+analytics.analytics:ga4.banner..1x2y3z')
    expect(decodeRecord(encodeRecord(whole))).toStrictEqual({ ...whole, partial: undefined })
    const partial = { ...whole, partial: true }
    expect(encodeRecord(partial)).toMatch(/\.placeholder|\.banner\.p\.1x2y3z$/)
    expect(decodeRecord(encodeRecord(partial))).toEqual(partial)
  })

  test.each([
    ['unknown source', encodeRecord(record) + '.robot'],
    ['bad partial mark', encodeRecord(record) + '.placeholder.x'],
    ['partial without a source', encodeRecord(record) + '..p'],
    ['one field too many', encodeRecord(record) + '.placeholder.p.1a2b3c.x'],
    ['a fingerprint that is not base 36', encodeRecord(record) + '.banner..AB!'],
  ])('%s → null', (_, value) => {
    expect(decodeRecord(value)).toBeNull()
  })
})
