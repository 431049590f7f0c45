// The TCF layers in a running SDK (happy-dom): what the first layer says, what the second
// layer's switches do to the TC string (read back with the IAB's own decoder), the Additional
// Consent string, the TC string handed to the decision's receipt, and that destroy() leaves
// no store subscription or observer of the TCF chunk behind.
import { readFileSync } from 'node:fs'
import { TCString } from '@iabtechlabtcf/core'
import Cookies from 'js-cookie'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createEmitter } from '../../src/core/emitter.js'
import { $consent } from '../../src/core/state.js'
import { type Events, start } from '../../src/instance.js'
import { pendingNotes } from '../../src/receipts/notes.js'
import type { TcfApi } from '../../src/tcf/stub.js'
import { $view } from '../../src/ui/view.js'

const gvlText = readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')
const w = window as unknown as Window & { __tcfapi?: TcfApi }
type TcData = { eventStatus: string; tcString: string; addtlConsent?: string }

const config = {
  region: 'DE',
  tcf: {
    cmpId: 300,
    vendorList: '/gvl/vendor-list.json',
    vendors: [8, 21, 755],
    publisherCountryCode: 'DE',
    additionalConsent: [
      { id: 89, name: 'Example Ads', policyUrl: 'https://ads.example/privacy' },
      { id: 1301, name: 'Other Ads' },
    ],
  },
}

const shadow = () => document.getElementById('consentry-root')!.shadowRoot!
const q = <T extends HTMLElement>(selector: string) => shadow().querySelector<T>(selector)
const events: TcData[] = []
/** What the SDK reported (reportError): nothing, in every test. */
const reported: unknown[] = []

beforeEach(() => {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
  localStorage.clear()
  delete w.__tcfapi
  document.body.innerHTML = ''
  events.length = 0
  reported.length = 0
  vi.stubGlobal('reportError', (error: unknown) => reported.push(error))
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => (String(url).endsWith('/vendor-list.json') ? new Response(gvlText) : new Response('not found', { status: 404 }))),
  )
})
afterEach(() => {
  expect(reported).toEqual([])
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

async function running(extra: Record<string, unknown> = {}) {
  const instance = start({ ...config, ...extra }, '', createEmitter<Events>())
  await instance.ready
  // The TCF chunk is lazy: wait for it to add its block to the first layer.
  await vi.waitFor(() => expect(q('.tcf-l1')).toBeTruthy(), { timeout: 5000 })
  w.__tcfapi!('addEventListener', 2, (data) => events.push(data as TcData))
  return instance
}

describe('the TCF layers', () => {
  test('the first layer names the partner count, the purposes (in stacks) and opens the second layer, which takes focus and gives it back', async () => {
    const instance = await running()
    const block = q('.tcf-l1')!
    // 3 TCF vendors and 2 Additional Consent providers.
    expect(block.textContent).toContain('We and our 5 partners')
    expect(block.querySelectorAll('li').length).toBeGreaterThan(0)
    // Reject all stays on the first layer beside Accept all.
    expect(q('[part~=banner] [data-action=reject-all]')).toBeTruthy()
    const open = q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!
    expect(open.textContent).toBe('Purposes and partners (5)')
    open.focus()
    open.click()
    const dialog = q('[part~=tcf-preferences]')!
    expect(dialog.getAttribute('role')).toBe('dialog')
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    expect(shadow().activeElement).toBe(dialog)
    // One layer at a time: the first layer is inert under it.
    expect(q('[part~=banner]')!.hasAttribute('inert')).toBe(true)
    const text = dialog.textContent!
    for (const heading of ['Purposes', 'Special features', 'Special purposes', 'Features', 'Partners (5)']) expect(text).toContain(heading)
    // A partner's details: retention, data used, privacy policy (vendor 8 in the test GVL).
    const vendor = dialog.querySelector<HTMLDetailsElement>('#cs-tcf-v-8')!.parentElement as HTMLDetailsElement
    vendor.open = true
    vendor.dispatchEvent(new Event('toggle'))
    expect(vendor.textContent).toContain('Data retention')
    expect(vendor.textContent).toContain('IP addresses')
    expect(vendor.querySelector('a')!.getAttribute('href')).toBe('https://www.emerse.com/privacy-policy/')
    // Escape closes without deciding; focus goes back to the opener.
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(q('[part~=tcf-preferences]')).toBeNull()
    expect(q('[part~=banner]')!.hasAttribute('inert')).toBe(false)
    expect(shadow().activeElement).toBe(open)
    expect($consent.get().decided).toBe(false)
    instance.destroy()
  })

  test('switches in the second layer become the TC string: purpose consents, vendor consents, objections, AC', async () => {
    const instance = await running()
    q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
    const dialog = q('[part~=tcf-preferences]')!
    const flip = (list: string, id: number) => {
      const input = dialog.querySelector<HTMLInputElement>(`input[data-list=${list}][data-id="${id}"]`)!
      input.checked = !input.checked
      input.dispatchEvent(new Event('change'))
    }
    // Nothing consented before a choice; legitimate interests stand until objected to.
    expect(dialog.querySelector<HTMLInputElement>('input[data-list=purposeConsents][data-id="1"]')!.checked).toBe(false)
    expect(dialog.querySelector<HTMLInputElement>('input[data-list=vendorLegitimateInterests][data-id="8"]')!.checked).toBe(true)
    for (const id of [1, 2, 3, 4]) flip('purposeConsents', id)
    flip('vendorConsents', 755)
    flip('vendorLegitimateInterests', 8) // the objection
    flip('purposeLegitimateInterests', 7) // another objection
    flip('acConsents', 89)
    dialog.querySelector<HTMLButtonElement>('[data-action=save]')!.click()
    expect(q('[part~=tcf-preferences]')).toBeNull()
    // Purpose 1 + an ad purpose + a partner: the site's advertising category follows.
    expect($consent.get()).toMatchObject({ decided: true, categories: { advertising: true }, source: 'preferences' })
    const last = events.at(-1)!
    expect(last.eventStatus).toBe('useractioncomplete')
    const tc = TCString.decode(last.tcString)
    const on = (vector: { forEach(fn: (v: boolean, id: number) => void): void }) => {
      const out: number[] = []
      vector.forEach((v, id) => v && out.push(id))
      return out
    }
    expect(on(tc.purposeConsents)).toEqual([1, 2, 3, 4])
    expect(on(tc.vendorConsents)).toEqual([755])
    expect(on(tc.vendorLegitimateInterests)).not.toContain(8)
    expect(on(tc.vendorLegitimateInterests).length).toBeGreaterThan(0)
    expect(on(tc.purposeLegitimateInterests)).not.toContain(7)
    expect(on(tc.purposeLegitimateInterests)).toContain(2)
    expect(on(tc.vendorsDisclosed)).toEqual([8, 21, 755])
    // Google's Additional Consent, version 2: allowed ids, then "dv." and the ids shown but not allowed.
    expect(last.addtlConsent).toBe('2~89~dv.1301')

    // A change of TCF choices alone (the categories stay): a new string, same decision.
    $view.set('banner')
    q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')?.click()
    const again = q('[part~=tcf-preferences]')!
    const vendor = again.querySelector<HTMLInputElement>('input[data-list=vendorConsents][data-id="8"]')!
    expect(again.querySelector<HTMLInputElement>('input[data-list=vendorConsents][data-id="755"]')!.checked).toBe(true)
    vendor.checked = true
    vendor.dispatchEvent(new Event('change'))
    again.querySelector<HTMLButtonElement>('[data-action=save]')!.click()
    expect(on(TCString.decode(events.at(-1)!.tcString).vendorConsents)).toEqual([8, 755])
    instance.destroy()
  })

  test('Reject all in the second layer: no consent, every legitimate interest objected to, advertising refused', async () => {
    const instance = await running()
    q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
    q<HTMLButtonElement>('[part~=tcf-preferences] [data-action=reject-all]')!.click()
    const tc = TCString.decode(events.at(-1)!.tcString)
    expect(tc.purposeConsents.size + tc.vendorConsents.size + tc.vendorLegitimateInterests.size + tc.purposeLegitimateInterests.size).toBe(0)
    expect(events.at(-1)!.addtlConsent).toBe('2~~dv.89.1301')
    expect($consent.get().categories.advertising).toBe(false)
    instance.destroy()
  })

  test("a German page: the labels come from locales/tcf/de.json, purposes from the vendor list's purposes-de.json", async () => {
    document.documentElement.lang = 'de'
    const purposesDe = { purposes: { 1: { id: 1, name: 'Speichern von oder Zugriff auf Informationen auf einem Endgerät', description: 'Beschreibung' } } }
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const path = String(url)
        if (path.endsWith('/vendor-list.json')) return new Response(gvlText)
        if (path.endsWith('/gvl/purposes-de.json')) return new Response(JSON.stringify(purposesDe))
        if (path === '/locales/tcf/de.json') return new Response(readFileSync('locales/tcf/de.json', 'utf8'))
        if (path === '/locales/de.json') return new Response(readFileSync('locales/de.json', 'utf8'))
        return new Response('not found', { status: 404 })
      }),
    )
    try {
      const instance = await running({ language: { path: '/locales/' } })
      expect(q('.tcf-l1')!.textContent).toContain('Wir und unsere 5 Partner')
      q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
      const dialog = q('[part~=tcf-preferences]')!
      expect(dialog.querySelector('h2')!.textContent).toBe('Zwecke und Partner')
      expect(dialog.textContent).toContain('Speichern von oder Zugriff auf Informationen auf einem Endgerät')
      expect(dialog.textContent).toContain('Berechtigtes Interesse')
      expect(dialog.querySelector('[data-action=save]')!.textContent).toBe('Auswahl speichern')
      instance.destroy()
    } finally {
      document.documentElement.lang = ''
    }
  })

  test('a German page without language.path (the npm build): banner and TCF labels in German from the package, no locale fetched', async () => {
    document.documentElement.lang = 'de'
    const fetched: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        fetched.push(String(url))
        return String(url).endsWith('/vendor-list.json') ? new Response(gvlText) : new Response('not found', { status: 404 })
      }),
    )
    try {
      const instance = await running()
      expect(q('[part~=banner] [data-action=accept-all]')!.textContent).toBe('Alle akzeptieren')
      await vi.waitFor(() => expect(q('.tcf-l1')!.textContent).toContain('Wir und unsere 5 Partner'))
      q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
      expect(q('[part~=tcf-preferences] h2')!.textContent).toBe('Zwecke und Partner')
      expect(fetched.filter((url) => url.includes('locales'))).toEqual([])
      instance.destroy()
    } finally {
      document.documentElement.lang = ''
    }
  })

  test("the decision's receipt note carries the TC string the vendors got", async () => {
    const instance = await running({ receipts: { endpoint: 'https://collector.example/receipts' } })
    // The receipts chunk must not sign before the TCF chunk hands over: hold its network.
    q<HTMLButtonElement>('[part~=banner] [data-action=accept-all]')!.click()
    await Promise.resolve()
    const note = pendingNotes().find((n) => n.sub === $consent.get().id)
    expect(note?.tc?.tcf).toBe(events.at(-1)!.tcString)
    expect(TCString.decode(note!.tc!.tcf!).purposeConsents.has(1)).toBe(true)
    instance.destroy()
  })

  test('destroy() ends the TCF session: no store subscription, observer or open dialog of it is left', async () => {
    const held = new Set<MutationObserver>()
    const Native = MutationObserver
    vi.stubGlobal(
      'MutationObserver',
      class extends Native {
        override observe(target: Node, options?: MutationObserverInit) {
          held.add(this)
          super.observe(target, options)
        }
        override disconnect() {
          held.delete(this)
          super.disconnect()
        }
      },
    )
    expect([$consent.lc, $view.lc]).toEqual([0, 0])
    const instance = await running()
    q<HTMLButtonElement>('[part~=banner] [data-action=tcf]')!.click()
    expect($consent.lc).toBeGreaterThan(0)
    instance.destroy()
    await vi.waitFor(() => expect([$consent.lc, $view.lc]).toEqual([0, 0]))
    expect(held.size).toBe(0)
    // __tcfapi stays (ad tags hold listeners on it) and still answers.
    let ping: unknown
    w.__tcfapi!('ping', 2, (v) => (ping = v))
    expect(ping).toMatchObject({ cmpLoaded: true })
  })
})
