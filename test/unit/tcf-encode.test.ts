import { readFileSync } from 'node:fs'
import { TCString, type Vector } from '@iabtechlabtcf/core'
import { describe, expect, test } from 'vitest'
import { encodeTcString, type TcModel } from '../../src/tcf/encode.js'

// The IAB's own decoder (@iabtechlabtcf/core, a dev dependency) is the judge: every
// string the encoder writes must decode to exactly the choices that went in.

const gvl = JSON.parse(readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')) as {
  vendors: Record<string, unknown>
}
const vendorIds = Object.keys(gvl.vendors).map(Number)

/** A small seeded generator, so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ids = (vector: Vector): number[] => {
  const out: number[] = []
  vector.forEach((value, id) => value && out.push(id))
  return out
}
const sorted = (list: number[]) => [...new Set(list)].sort((a, b) => a - b)

function randomModel(random: () => number): TcModel {
  const pick = (list: number[], p: number) => list.filter(() => random() < p)
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
  // Densities from none to all, so both bit-field and range encodings are exercised.
  const density = () => [0, 0.02, 0.3, 0.7, 0.98, 1][Math.floor(random() * 6)]!
  const disclosed = pick(vendorIds, random() < 0.3 ? 1 : density())
  const letter = () => String.fromCharCode(65 + Math.floor(random() * 26))
  return {
    time: Date.UTC(2026, 0, 1) + Math.floor(random() * 400 * 86_400_000),
    cmpId: Math.floor(random() * 4096),
    cmpVersion: Math.floor(random() * 4096),
    consentScreen: Math.floor(random() * 64),
    consentLanguage: letter() + letter(),
    vendorListVersion: 1 + Math.floor(random() * 4000),
    policyVersion: 4 + Math.floor(random() * 2),
    publisherCC: letter() + letter(),
    specialFeatures: pick(range(2), density()),
    purposeConsents: pick(range(11), density()),
    purposeLegitimateInterests: pick([2, 7, 8, 9, 10, 11], density()),
    vendorConsents: pick(disclosed, density()),
    vendorLegitimateInterests: pick(disclosed, density()),
    disclosedVendors: disclosed,
  }
}

describe('TC string encoder', () => {
  test('1,000 random choices decode with @iabtechlabtcf/core to exactly those choices', () => {
    const random = rng(28)
    for (let run = 0; run < 1000; run++) {
      const model = randomModel(random)
      const string = encodeTcString(model)
      expect(string, `run ${run}`).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
      const tc = TCString.decode(string)
      const day = Math.floor(model.time / 86_400_000) * 86_400_000
      expect(
        {
          version: tc.version,
          created: tc.created.getTime(),
          lastUpdated: tc.lastUpdated.getTime(),
          cmpId: tc.cmpId,
          cmpVersion: tc.cmpVersion,
          consentScreen: tc.consentScreen,
          consentLanguage: tc.consentLanguage,
          vendorListVersion: tc.vendorListVersion,
          policyVersion: tc.policyVersion,
          isServiceSpecific: tc.isServiceSpecific,
          publisherCC: tc.publisherCountryCode,
          specialFeatures: ids(tc.specialFeatureOptins),
          purposeConsents: ids(tc.purposeConsents),
          purposeLegitimateInterests: ids(tc.purposeLegitimateInterests),
          vendorConsents: ids(tc.vendorConsents),
          vendorLegitimateInterests: ids(tc.vendorLegitimateInterests),
          disclosedVendors: ids(tc.vendorsDisclosed),
          publisherRestrictions: tc.publisherRestrictions.numRestrictions,
        },
        `run ${run}: ${string}`,
      ).toEqual({
        version: 2,
        created: day,
        lastUpdated: day,
        cmpId: model.cmpId,
        cmpVersion: model.cmpVersion,
        consentScreen: model.consentScreen,
        consentLanguage: model.consentLanguage,
        vendorListVersion: model.vendorListVersion,
        policyVersion: model.policyVersion,
        isServiceSpecific: true,
        publisherCC: model.publisherCC,
        specialFeatures: sorted(model.specialFeatures),
        purposeConsents: sorted(model.purposeConsents),
        purposeLegitimateInterests: sorted(model.purposeLegitimateInterests),
        vendorConsents: sorted(model.vendorConsents),
        vendorLegitimateInterests: sorted(model.vendorLegitimateInterests),
        disclosedVendors: sorted(model.disclosedVendors),
        publisherRestrictions: 0,
      })
    }
  })

  test('a decision with nothing allowed still names the vendors shown', () => {
    const string = encodeTcString({
      time: Date.UTC(2026, 2, 1),
      cmpId: 300,
      cmpVersion: 1,
      consentScreen: 1,
      consentLanguage: 'DE',
      vendorListVersion: 7,
      policyVersion: 5,
      publisherCC: 'DE',
      specialFeatures: [],
      purposeConsents: [],
      purposeLegitimateInterests: [],
      vendorConsents: [],
      vendorLegitimateInterests: [],
      disclosedVendors: vendorIds,
    })
    const tc = TCString.decode(string)
    expect(ids(tc.vendorConsents)).toEqual([])
    expect(ids(tc.vendorsDisclosed)).toEqual(vendorIds.sort((a, b) => a - b))
  })

  test('names what does not fit instead of writing a wrong string', () => {
    const base = randomModel(rng(1))
    expect(() => encodeTcString({ ...base, cmpId: 5000 })).toThrow(/5000 does not fit in 12 bits/)
    expect(() => encodeTcString({ ...base, consentLanguage: 'english' })).toThrow(/"english" is not a two-letter code/)
    expect(() => encodeTcString({ ...base, purposeConsents: [25] })).toThrow(/id 25 is outside 1…24/)
  })
})
