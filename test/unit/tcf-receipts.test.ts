// Receipts of IAB TCF decisions in a running SDK (happy-dom, receipts signed by the real
// receipts chunk, a collector that answers 201): every TC string the vendors get is in a
// signed receipt — the decision's own when the string exists in time, one of its own
// (source "tcf") when the visitor changes TCF choices alone, and a late one (source
// "tcf-late") when the string came after its decision's receipt left. docs/tcf.md, "Receipts".
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { TCString } from '@iabtechlabtcf/core'
import Cookies from 'js-cookie'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createEmitter } from '../../src/core/emitter.js'
import { $consent } from '../../src/core/state.js'
import { type Events, type Instance, start } from '../../src/instance.js'
import { pendingNotes } from '../../src/receipts/notes.js'
import type { ReceiptPayload } from '../../src/receipts/types.js'
import type { TcfApi } from '../../src/tcf/stub.js'
import { $view } from '../../src/ui/view.js'

const gvlText = readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')
const w = window as unknown as Window & { __tcfapi?: TcfApi }
const COLLECTOR = 'https://collector.example/receipts'
const config = {
  region: 'DE',
  receipts: { endpoint: COLLECTOR },
  tcf: { cmpId: 300, vendorList: '/gvl/vendor-list.json', vendors: [8, 21, 755], publisherCountryCode: 'DE' },
}

const shadow = () => document.getElementById('consentry-root')!.shadowRoot!
const q = <T extends HTMLElement>(selector: string) => shadow().querySelector<T>(selector)
/** The TC strings `__tcfapi` listeners heard, newest last. */
const heard: string[] = []
/** The vendor list's answer: held back until a test lets it go. */
let gvlAnswer: Promise<Response>
let releaseGvl: (response: Response) => void
let instance: Instance | undefined
/** What the SDK reported (reportError): nothing, in every test. */
const reported: unknown[] = []

beforeEach(async () => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  localStorage.clear()
  await new Promise((done) => {
    const request = indexedDB.deleteDatabase('consentry')
    request.onsuccess = request.onerror = request.onblocked = done
  })
  delete w.__tcfapi
  document.body.innerHTML = ''
  heard.length = 0
  reported.length = 0
  vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
  gvlAnswer = new Promise((resolve) => (releaseGvl = resolve))
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (String(url) === COLLECTOR) return new Response('{}', { status: 201 })
      if (String(url).endsWith('/vendor-list.json')) return (await gvlAnswer).clone()
      return new Response('not found', { status: 404 })
    }),
  )
})
afterEach(() => {
  vi.useRealTimers()
  instance?.destroy()
  instance = undefined
  expect(reported).toEqual([])
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

const boot = () => {
  instance = start(config, '', createEmitter<Events>())
  w.__tcfapi!('addEventListener', 2, (data) => {
    const { eventStatus, tcString } = data as { eventStatus: string; tcString: string }
    if (eventStatus === 'useractioncomplete') heard.push(tcString)
  })
  return instance
}
const payloads = async (): Promise<ReceiptPayload[]> =>
  (await instance!.receipts()).map((r) => JSON.parse(Buffer.from(r.jws.split('.')[1]!, 'base64url').toString('utf8')))
/** The signed receipts once `count` of them have been delivered. */
async function delivered(count: number): Promise<ReceiptPayload[]> {
  await vi.waitFor(async () => expect((await instance!.receipts()).filter((r) => r.status === 'sent')).toHaveLength(count), { timeout: 3000 })
  return payloads()
}
/** Back to the TCF layer from the first layer (shown again, as a settings link would). */
const reopen = () => {
  $view.set('banner')
  q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
}
const consented = (tc: string) => {
  const out: number[] = []
  TCString.decode(tc).vendorConsents.forEach((on, id) => on && out.push(id))
  return out
}

describe('receipts of TCF decisions', { timeout: 20_000 }, () => {
  test('a change of TCF choices alone (the categories stay) makes a receipt of its own with the new TC string', async () => {
    releaseGvl(new Response(gvlText))
    await boot().ready
    await vi.waitFor(() => expect(q('.tcf-l1')).toBeTruthy(), { timeout: 5000 })
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    const [first] = await delivered(1)
    expect(first).toMatchObject({ event: 'given', source: 'banner', tcf: heard[0] })

    // The visitor comes back to the TCF layer and takes back one partner's consent: the site's
    // categories do not change (other partners keep theirs), the TC string does.
    reopen()
    const input = q<HTMLInputElement>('[part~=tcf-preferences] input[data-list=vendorConsents][data-id="8"]')!
    expect(input.checked).toBe(true)
    input.checked = false
    input.dispatchEvent(new Event('change'))
    q<HTMLButtonElement>('[part~=tcf-preferences] [data-action=save]')!.click()
    expect($consent.get().categories.advertising).toBe(true)
    expect(heard).toHaveLength(2)
    expect(consented(heard[1]!)).toEqual([21, 755])

    const [, second] = await delivered(2)
    expect(second).toMatchObject({ event: 'withdrawn', source: 'tcf', sub: first!.sub, seq: 2, tcf: heard[1], categories: first!.categories })

    // Giving it back is an update, again with its own receipt.
    reopen()
    const again = q<HTMLInputElement>('[part~=tcf-preferences] input[data-list=vendorConsents][data-id="8"]')!
    again.checked = true
    again.dispatchEvent(new Event('change'))
    q<HTMLButtonElement>('[part~=tcf-preferences] [data-action=save]')!.click()
    const [, , third] = await delivered(3)
    expect(third).toMatchObject({ event: 'updated', source: 'tcf', seq: 3, tcf: heard[2] })
    expect(consented(heard[2]!)).toEqual([8, 21, 755])

    // Saving the same choices again changes nothing: no string, no receipt.
    reopen()
    q<HTMLButtonElement>('[part~=tcf-preferences] [data-action=save]')!.click()
    expect(heard).toHaveLength(3)
    expect(await payloads()).toHaveLength(3)
  })

  test('"Accept all" clicked before the vendor list arrived: the receipt of that decision carries its TC string', async () => {
    await boot().ready
    // The first layer is up; the TCF block is not (no vendor list yet). The visitor accepts at once.
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    expect(heard).toEqual([])
    // The receipts chunk is loaded and running, and holds the receipt for the string.
    await vi.waitFor(() => expect(vi.mocked(fetch).mock.calls.some(([url]) => String(url).endsWith('/vendor-list.json'))).toBe(true))
    expect(await instance!.receipts()).toEqual([])
    releaseGvl(new Response(gvlText))
    const [receipt] = await delivered(1)
    expect(heard).toHaveLength(1)
    expect(receipt).toMatchObject({ event: 'given', source: 'banner', seq: 1, tcf: heard[0] })
    expect(consented(receipt!.tcf!)).toEqual([8, 21, 755])
    expect(await payloads()).toHaveLength(1)
  })

  test('a decision made before the TCF chunk started: its receipt carries the TC string too', async () => {
    const running = boot()
    // Synchronously after init(): the TCF chunk is still on its way.
    running.decide(false, 'api')
    await running.ready
    releaseGvl(new Response(gvlText))
    const [receipt] = await delivered(1)
    expect(heard).toHaveLength(1)
    expect(receipt).toMatchObject({ event: 'refused', source: 'api', tcf: heard[0] })
    expect(TCString.decode(receipt!.tcf!).purposeConsents.size).toBe(0)
  })

  test('the vendor list comes after the receipt stopped waiting for it: the string gets a receipt of its own (tcf-late)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const running = boot()
    // The banner's own task (src/ui/body.ts) is a zero-delay timer.
    await vi.advanceTimersByTimeAsync(0)
    await running.ready
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    await vi.waitFor(() => expect(pendingNotes().some((n) => n.tcfDue)).toBe(true))
    // Ten seconds without the list: the decision's receipt goes as it is.
    await vi.advanceTimersByTimeAsync(10_000)
    const [decision] = await delivered(1)
    expect(decision).toMatchObject({ event: 'given', source: 'banner', seq: 1 })
    expect(decision!.tcf).toBeUndefined()
    releaseGvl(new Response(gvlText))
    const [, late] = await delivered(2)
    expect(heard).toHaveLength(1)
    expect(late).toMatchObject({ event: 'updated', source: 'tcf-late', seq: 2, sub: decision!.sub, categories: decision!.categories, tcf: heard[0] })
  })

  test('Google Additional Consent: every receipt with a TC string carries the AC string, and a change of AC providers alone proves it', async () => {
    const providers = [
      { id: 89, name: 'Example Ads', policyUrl: 'https://ads.example/privacy' },
      { id: 1301, name: 'Other Ads', policyUrl: 'https://other.example/privacy' },
    ]
    const heardAc: string[] = []
    releaseGvl(new Response(gvlText))
    instance = start({ ...config, tcf: { ...config.tcf, additionalConsent: providers } }, '', createEmitter<Events>())
    w.__tcfapi!('addEventListener', 2, (data) => {
      const { eventStatus, tcString, addtlConsent } = data as { eventStatus: string; tcString: string; addtlConsent: string }
      if (eventStatus !== 'useractioncomplete') return
      heard.push(tcString)
      heardAc.push(addtlConsent)
    })
    await instance.ready
    await vi.waitFor(() => expect(q('.tcf-l1')).toBeTruthy(), { timeout: 5000 })
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    const [first] = await delivered(1)
    expect(first).toMatchObject({ event: 'given', source: 'banner', tcf: heard[0], addtlConsent: '2~89.1301~dv.' })

    // Only provider 89 is switched off: no TCF purpose or vendor changes, the categories stay.
    reopen()
    const input = q<HTMLInputElement>('[part~=tcf-preferences] input[data-list=acConsents][data-id="89"]')!
    expect(input.checked).toBe(true)
    input.checked = false
    input.dispatchEvent(new Event('change'))
    q<HTMLButtonElement>('[part~=tcf-preferences] [data-action=save]')!.click()
    expect(heardAc).toEqual(['2~89.1301~dv.', '2~1301~dv.89'])
    expect(TCString.decode(heard[1]!).vendorConsents.size).toBe(TCString.decode(heard[0]!).vendorConsents.size)
    const [, second] = await delivered(2)
    // The log proves what Google's tags were told: the AC string beside the TC string.
    expect(second).toMatchObject({ event: 'withdrawn', source: 'tcf', seq: 2, categories: first!.categories, tcf: heard[1], addtlConsent: '2~1301~dv.89' })
  })

  test('without Additional Consent providers configured, receipts carry no addtlConsent claim', async () => {
    releaseGvl(new Response(gvlText))
    await boot().ready
    await vi.waitFor(() => expect(q('.tcf-l1')).toBeTruthy(), { timeout: 5000 })
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    const [receipt] = await delivered(1)
    expect(receipt!.tcf).toBe(heard[0])
    expect(receipt).not.toHaveProperty('addtlConsent')
  })

  test('the vendor list cannot be loaded: the receipt goes without a tcf claim, at once, and no TC string is given', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    releaseGvl(new Response('down', { status: 503 }))
    await boot().ready
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    const [receipt] = await delivered(1)
    expect(receipt).toMatchObject({ event: 'given', source: 'banner' })
    expect(receipt!.tcf).toBeUndefined()
    expect(heard).toEqual([])
    expect(String(error.mock.calls[0]?.[0])).toContain('/gvl/vendor-list.json answered HTTP 503')
  })
})
