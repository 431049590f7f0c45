// The receipt's `tcf` and `addtlConsent` claims (docs/receipts.md, docs/tcf.md "Receipts"): the
// collector keeps the TC string and the Google Additional Consent string a decision gave
// vendors, and refuses with a 400 `claims` what is not one.
import { TCModel, TCString, GVL, Segment } from '@iabtechlabtcf/core'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Collector } from '../../src/server/index.js'
import { backends } from './helpers/backends.js'
import { freshCollector, visitors } from './helpers/fresh.js'
import { browserKey, claims, signJws } from './helpers/receipts.js'

// A TC string made by the IAB's own library (core + DisclosedVendors), so the collector is
// judged against strings it did not write itself.
const gvl = new GVL(JSON.parse(readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')))
const model = new TCModel(gvl)
model.cmpId = 300
model.isServiceSpecific = true
model.purposeConsents.set([1, 2, 3, 4])
model.vendorConsents.set([8, 755])
model.vendorsDisclosed.set([8, 755, 793])
const iabString = TCString.encode(model, { segments: [Segment.CORE, Segment.VENDORS_DISCLOSED] })

const backend = backends()[0]!
let collector: Collector
beforeAll(async () => {
  await backend.setup()
  ;({ collector } = await freshCollector(backend, visitors))
})
afterAll(async () => {
  await collector.close()
  await backend.teardown()
})

const post = (jws: string) => collector.app.request('/receipts', { method: 'POST', body: jws, headers: { 'content-type': 'text/plain;charset=UTF-8' } })

describe('the tcf claim', () => {
  test('a receipt with a TC string is accepted and kept as signed', async () => {
    const key = browserKey()
    const jws = signJws(key, claims({ tcf: iabString }))
    const res = await post(jws)
    expect(res.status).toBe(201)
    const { jti } = (await res.json()) as { jti: string }
    expect(jti).toBeTruthy()
  })

  test.each([
    ['a number', 12345],
    ['no DisclosedVendors segment (TCF 2.3 requires it)', iabString.split('.')[0]],
    ['a version 1 string', 'BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA'],
    ['characters outside base64url', iabString.replace(/^(.{10})./, '$1+')],
    ['an empty segment', iabString + '.'],
    ['too long', iabString.split('.')[0] + 'A'.repeat(9000) + '.' + iabString.split('.')[1]],
  ])('%s: 400, reason claims, naming payload.tcf', async (_name, tcf) => {
    const res = await post(signJws(browserKey(), claims({ tcf })))
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, string>
    expect(JSON.stringify(body)).toContain('claims')
    expect(JSON.stringify(body)).toContain('payload.tcf')
  })
})

describe('the addtlConsent claim', () => {
  test.each([
    ['providers allowed and refused', '2~89.1301~dv.2316'],
    ['all allowed', '2~89.1301~dv.'],
    ['all refused', '2~~dv.89.1301'],
  ])('%s: accepted beside the TC string', async (_name, addtlConsent) => {
    const res = await post(signJws(browserKey(), claims({ tcf: iabString, addtlConsent })))
    expect(res.status, await res.clone().text()).toBe(201)
  })

  test.each([
    ['a number', 2, undefined],
    ['version 1 (Google reads version 2)', '1~89.1301', undefined],
    ['no disclosed part', '2~89.1301', undefined],
    ['an id that is no number', '2~89.abc~dv.', undefined],
    ['an empty id', '2~89..1301~dv.', undefined],
    ['too long', `2~${'1.'.repeat(5000)}1~dv.`, undefined],
    ['without a TC string', '2~89~dv.', 'none'],
  ])('%s: 400, reason claims, naming payload.addtlConsent', async (_name, addtlConsent, tcf) => {
    const res = await post(signJws(browserKey(), claims({ ...(tcf ? {} : { tcf: iabString }), addtlConsent })))
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, string>
    expect(body.error).toBe('claims')
    expect(body.detail).toContain('payload.addtlConsent')
  })
})
