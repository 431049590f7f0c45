import { describe, expect, test } from 'vitest'
import { resolve } from '../../src/config/resolve.js'
import { modeFor, regionKeys } from '../../src/config/region.js'
import type { Mode } from '../../src/config/types.js'
import { validate } from '../../src/config/validate.js'

const rules: Record<string, Mode> = { EEA: 'opt-in', UK: 'opt-in', CH: 'opt-in', 'US-CA': 'opt-out', US: 'notice', '*': 'notice' }

describe('region rules', () => {
  test.each([
    ['DE', 'opt-in'], // EU member → EEA rule
    ['es-ct', 'opt-in'], // subdivision of an EU member, lower case
    ['NO', 'opt-in'], // EEA, not EU
    ['GB', 'opt-in'], // the UK group
    ['UK', 'opt-in'], // "UK" as a region code too
    ['CH', 'opt-in'], // a country rule
    ['US-CA', 'opt-out'], // subdivision beats country
    ['US-TX', 'notice'], // falls back to the country
    ['US', 'notice'],
    ['BR', 'notice'], // known, no rule: "*"
    [undefined, 'opt-in'], // unknown: the strictest configured
  ] as const)('%s → %s', (region, mode) => {
    expect(modeFor(rules, region)).toBe(mode)
  })

  test('without "*", a known region that no rule names gets the strictest mode', () => {
    expect(modeFor({ 'US-CA': 'opt-out', US: 'notice' }, 'BR')).toBe('opt-out')
    expect(modeFor({ 'US-CA': 'opt-out', US: 'notice' }, undefined)).toBe('opt-out')
    expect(modeFor({ US: 'notice' }, 'JP')).toBe('notice')
  })

  test('a plain mode ignores the region; none means opt-in', () => {
    expect(modeFor('opt-out', 'DE')).toBe('opt-out')
    expect(modeFor(undefined, 'US-CA')).toBe('opt-in')
  })

  test('keys, most specific first', () => {
    expect(regionKeys('FR-75')).toEqual(['FR-75', 'FR', 'EU', 'EEA'])
    expect(regionKeys('IS')).toEqual(['IS', 'EEA'])
    expect(regionKeys('gb-sct')).toEqual(['GB-SCT', 'GB', 'UK'])
    expect(regionKeys('US-CA')).toEqual(['US-CA', 'US'])
  })

  test('resolve: config region wins over the detected one; blank is unknown', () => {
    expect(resolve({ mode: rules, region: 'US-CA' }, false, 'DE')).toMatchObject({ mode: 'opt-out', region: 'US-CA' })
    expect(resolve({ mode: rules }, false, ' de ')).toMatchObject({ mode: 'opt-in', region: 'DE' })
    expect(resolve({ mode: rules }, false, '')).toMatchObject({ mode: 'opt-in', region: undefined })
    expect(resolve({ mode: { 'US-CA': 'opt-out', '*': 'notice' } }, false, 'US-NY').mode).toBe('notice')
  })

  test('validation: region keys and modes are checked', () => {
    expect(validate({ mode: rules, region: 'US-CA' })).toEqual([])
    expect(validate({ mode: { Europe: 'opt-in' } }).map((p) => p.path)).toEqual(['mode.Europe'])
    expect(validate({ mode: { EU: 'opt_in' } }).map((p) => p.path)).toEqual(['mode.EU'])
    expect(validate({ region: 'California' }).map((p) => p.path)).toEqual(['region'])
  })
})
