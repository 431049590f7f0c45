import { readFileSync } from 'node:fs'
import { TCString } from '@iabtechlabtcf/core'
import { atom } from 'nanostores'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { regionKeys } from '../../src/config/region.js'
import { resolve } from '../../src/config/resolve.js'
import { emptyState, type ConsentState } from '../../src/core/state.js'
import { startTcf, type TcfHost } from '../../src/tcf/cmp.js'
import { gdprApplies } from '../../src/tcf/gdpr.js'
import { installStub, type TcfApi } from '../../src/tcf/stub.js'
import type { View } from '../../src/ui/view.js'

const gvlText = readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')
const w = window as unknown as Window & { __tcfapi?: TcfApi }
type TcData = { eventStatus: string; tcString: string; gdprApplies: boolean; listenerId?: number; purpose: { consents: Record<number, boolean> } }

function host(state: ConsentState, region = 'DE'): TcfHost & { $consent: ReturnType<typeof atom<ConsentState>> } {
  const config = resolve({ region, tcf: { cmpId: 300, vendorList: '/gvl/vendor-list.json', vendors: 'all', publisherCountryCode: 'DE' } }, false)
  return { config, $consent: atom(state), $view: atom<View>(state.decided ? 'hidden' : 'banner'), decide: () => state, record: () => {} }
}

const decided = (advertising: boolean): ConsentState => ({
  ...emptyState(),
  id: 'AbCdEfGhIjKlMnOpQrStUv',
  decided: true,
  categories: { necessary: true, advertising },
  revision: 1,
  updatedAt: '2026-03-02T10:00:00.000Z',
  source: 'banner',
})

afterEach(() => {
  delete w.__tcfapi
  localStorage.clear()
  vi.unstubAllGlobals()
})

describe('__tcfapi', () => {
  test('a child frame that calls before the CMP loads is answered once it has, in the form it asked (object or JSON text)', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(gvlText, { headers: { 'content-type': 'application/json' } })),
    )
    installStub(w)
    const answers: unknown[] = []
    const frame = { postMessage: (data: unknown) => answers.push(data) } as unknown as Window
    const post = (data: unknown) => w.dispatchEvent(new MessageEvent('message', { data, source: frame }))
    post({ __tcfapiCall: { command: 'addEventListener', version: 2, callId: 'one' } })
    post(JSON.stringify({ __tcfapiCall: { command: 'ping', version: 2, callId: 'two' } }))
    post({ somethingElse: true })
    post('not for us')
    // The stub keeps the two calls and nothing else, and answers none of them itself.
    expect(w.__tcfapi!.a).toHaveLength(2)
    expect(answers).toEqual([])

    startTcf(host(emptyState()))
    // The ping is answered during the replay; the listener once the first layer's status exists.
    expect(answers).toHaveLength(2)
    expect(JSON.parse(answers[0] as string)).toMatchObject({ __tcfapiReturn: { success: true, callId: 'two', returnValue: { cmpStatus: 'loaded' } } })
    expect(answers[1]).toMatchObject({ __tcfapiReturn: { success: true, callId: 'one', returnValue: { eventStatus: 'cmpuishown', listenerId: 1 } } })
    // From now on the CMP relays at once, and only once (the stub's listener is gone).
    post({ __tcfapiCall: { command: 'ping', version: 2, callId: 'three' } })
    expect(answers).toHaveLength(3)
    expect(answers[2]).toMatchObject({ __tcfapiReturn: { callId: 'three', returnValue: { cmpLoaded: true } } })
  })

  test('the stub answers ping at once and queues the rest for the CMP, which answers them in order', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(gvlText, { headers: { 'content-type': 'application/json' } })),
    )
    installStub(w)
    let ping: Record<string, unknown> | undefined
    w.__tcfapi!('ping', 2, (value) => (ping = value as Record<string, unknown>))
    // Synchronous: the value is there before the call returns.
    expect(ping).toMatchObject({ cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.3' })
    const events: TcData[] = []
    w.__tcfapi!('addEventListener', 2, (value) => events.push(value as TcData))
    expect(events).toEqual([])

    const h = host(emptyState())
    const session = startTcf(h)
    // The first layer is up: the queued listener hears cmpuishown.
    expect(events.map((e) => e.eventStatus)).toEqual(['cmpuishown'])
    expect(events[0]).toMatchObject({ gdprApplies: true, tcString: '', listenerId: 1 })
    w.__tcfapi!('ping', 2, (value) => (ping = value as Record<string, unknown>))
    expect(ping).toMatchObject({ cmpLoaded: true, cmpStatus: 'loaded', apiVersion: '2.3', cmpId: 300 })

    const gvl = await session.gvl
    h.$consent.set(decided(true))
    await vi.waitFor(() => expect(events.map((e) => e.eventStatus)).toEqual(['cmpuishown', 'useractioncomplete']))
    const tc = TCString.decode(events[1]!.tcString)
    const live = Object.values(gvl.vendors)
      .filter((v) => !v.deletedDate)
      .map((v) => v.id)
    const disclosed: number[] = []
    tc.vendorsDisclosed.forEach((on, id) => on && disclosed.push(id))
    expect(disclosed).toEqual(live.sort((a, b) => a - b))
    expect(tc.cmpId).toBe(300)
    expect(events[1]!.purpose.consents[1]).toBe(true)

    // A returning visit: a new page with the same Consentry state answers tcloaded with the same string, at once.
    delete w.__tcfapi
    const again: TcData[] = []
    installStub(w)
    w.__tcfapi!('addEventListener', 2, (value) => again.push(value as TcData))
    startTcf(host(decided(true)))
    expect(again).toHaveLength(1)
    expect(again[0]).toMatchObject({ eventStatus: 'tcloaded', tcString: events[1]!.tcString })
  })

  test('Reject all on the first layer gives a string with no consent and every vendor disclosed', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(gvlText)),
    )
    const h = host(emptyState())
    startTcf(h)
    const events: TcData[] = []
    w.__tcfapi!('addEventListener', 2, (value) => events.push(value as TcData))
    h.$consent.set(decided(false))
    await vi.waitFor(() => expect(events.at(-1)?.eventStatus).toBe('useractioncomplete'))
    const tc = TCString.decode(events.at(-1)!.tcString)
    expect(tc.purposeConsents.size).toBe(0)
    expect(tc.vendorConsents.size).toBe(0)
    expect(tc.vendorsDisclosed.size).toBeGreaterThan(300)
  })

  test('outside the EEA, the UK and Switzerland gdprApplies is false and tcloaded comes at once', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(gvlText)),
    )
    startTcf(host(emptyState(), 'US-CA'))
    let data: TcData | undefined
    w.__tcfapi!('getTCData', 2, (value) => (data = value as TcData))
    expect(data).toMatchObject({ gdprApplies: false, eventStatus: 'tcloaded' })
  })

  test('gdprApplies is true exactly where the region rules say EEA, UK or Switzerland, and where the region is unknown', () => {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    const regions = [...A].flatMap((a) => [...A].map((b) => a + b))
    regions.push('ES-CT', 'GB-SCT', 'UK-WLS', 'US-CA', 'CH-ZH', 'NO-03', 'CA-QC', '')
    const applying: string[] = []
    for (const region of regions) {
      const expected = !region || regionKeys(region).some((key) => key === 'EEA' || key === 'UK' || key === 'CH')
      expect(gdprApplies(region), region).toBe(expected)
      if (expected && region.length === 2) applying.push(region)
    }
    expect(gdprApplies(undefined)).toBe(true)
    // The 27 EU states, Iceland, Liechtenstein, Norway, the UK (GB and UK) and Switzerland.
    expect(applying).toHaveLength(33)
  })

  test('unknown commands fail instead of hanging the caller', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(gvlText)),
    )
    startTcf(host(emptyState()))
    const answer = vi.fn()
    w.__tcfapi!('nonsense', 2, answer)
    expect(answer).toHaveBeenCalledWith(null, false)
  })
})
