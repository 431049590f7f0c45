import { readFileSync } from 'node:fs'
import { TCString } from '@iabtechlabtcf/core'
import type { Frame } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { action, page, site, useChromium, type Site } from './harness.js'

// IAB TCF in real Chromium: a client in the same frame, and one in a cross-origin
// iframe (another 127.0.0.1 port) that finds the CMP through the __tcfapiLocator frame
// and talks to it with postMessage, as the IAB's reference client calls do.

const gvl = readFileSync('data/iab-tcf/vendor-list-v3-test.json', 'utf8')
const config = { region: 'DE', tcf: { cmpId: 300, vendorList: '/gvl/vendor-list.json', vendors: 'all', publisherCountryCode: 'DE' } }

/** The child frame's client: walks up to the frame holding __tcfapiLocator and listens. */
const CLIENT = `<!doctype html><title>ad frame</title><script>
window.events = []
let target = window.parent, found
for (;;) { try { if (target.frames['__tcfapiLocator']) { found = target; break } } catch (e) {}
  if (target === window.top) break; target = target.parent }
const waiting = {}
window.addEventListener('message', (event) => {
  const answer = event.data && event.data.__tcfapiReturn
  if (answer && waiting[answer.callId]) waiting[answer.callId](answer.returnValue, answer.success)
})
if (found) {
  waiting.one = (data, success) => window.events.push({ status: data && data.eventStatus, tcString: data && data.tcString, gdprApplies: data && data.gdprApplies, success })
  found.postMessage({ __tcfapiCall: { command: 'addEventListener', version: 2, callId: 'one' } }, '*')
} else window.events.push({ status: 'no-locator' })
</script>`

let adOrigin: Site
beforeAll(async () => {
  adOrigin = await site({ '/frame.html': CLIENT })
})
afterAll(() => adOrigin.close())

const s = useChromium(() =>
  site({
    '/gvl/vendor-list.json': { body: gvl, type: 'application/json' },
  }),
)

type Event = { status: string; tcString: string; gdprApplies: boolean; success: boolean }
const frameEvents = (frame: Frame) => frame.evaluate(() => (window as unknown as { events: Event[] }).events)

describe('TCF in Chromium', () => {
  test('same frame and a cross-origin iframe read consent; a returning visit gets tcloaded with the same string', async () => {
    // The page pings during parsing, right after the tag (the stub must answer synchronously),
    // and frames an ad from another origin; the route is set here since it needs that origin.
    s.server.routes.set(
      '/',
      page(
        config,
        `<iframe title="ad" src="${adOrigin.url}frame.html"></iframe>`,
        `<script>let p; __tcfapi('ping', 2, (v) => (p = v)); window.syncPing = p</script>`,
        '/dist/consentry-tcf.iife.js',
      ),
    )
    const { page: p } = s
    await p.goto(s.server.url)
    expect(await p.evaluate(() => (window as unknown as { syncPing: { cmpStatus: string; apiVersion: string } }).syncPing)).toMatchObject({
      cmpStatus: 'stub',
      apiVersion: '2.3',
    })
    const frame = () => p.frames().find((f) => f.url().startsWith(adOrigin.origin))!
    await expect.poll(() => frame() && frameEvents(frame())).toEqual([expect.objectContaining({ status: 'cmpuishown', gdprApplies: true, success: true })])

    await action(p, 'accept-all').first().click()
    await expect.poll(async () => (await frameEvents(frame())).map((e) => e.status)).toEqual(['cmpuishown', 'useractioncomplete'])
    const tcString = (await frameEvents(frame()))[1]!.tcString
    const tc = TCString.decode(tcString)
    expect(tc.cmpId).toBe(300)
    expect(tc.purposeConsents.has(1)).toBe(true)
    expect(tc.vendorsDisclosed.size).toBeGreaterThan(300)

    // The same frame sees the same string.
    const here = await p.evaluate(
      () =>
        new Promise<{ tcString: string; eventStatus: string }>((done) =>
          (window as unknown as { __tcfapi: (c: string, v: number, cb: (d: { tcString: string; eventStatus: string }) => void) => void }).__tcfapi(
            'addEventListener',
            2,
            done,
          ),
        ),
    )
    expect(here).toMatchObject({ tcString, eventStatus: 'useractioncomplete' })

    await p.reload()
    await expect.poll(async () => frame() && (await frameEvents(frame()))).toEqual([expect.objectContaining({ status: 'tcloaded', tcString })])
    expect(s.errors).toEqual([])
  })
})
