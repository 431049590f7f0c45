import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { action, page, site, useChromium } from './harness.js'

const config = {
  google: {
    consentMode: true,
    waitForUpdate: 800,
    regions: [{ region: ['US-CA'], analytics_storage: 'granted' }],
    urlPassthrough: true,
  },
}

// Each gated tag records what the dataLayer held when it ran.
const tag = (category: string) =>
  `<script type="text/plain" data-category="${category}">window.seen = window.seen || {}; window.seen.${category} = window.dataLayer.map((e) => Object.prototype.toString.call(e) === '[object Arguments]' ? Array.from(e) : e)</script>`

type Entry = unknown[] | { event?: string }
const layer = (p: Page): Promise<{ kind: string; value: Entry }[]> =>
  p.evaluate(() =>
    (window as unknown as { dataLayer: unknown[] }).dataLayer.map((e) => ({
      kind: Object.prototype.toString.call(e),
      value: (Object.prototype.toString.call(e) === '[object Arguments]' ? Array.from(e as ArrayLike<unknown>) : e) as Entry,
    })),
  )

const DENIED = {
  ad_storage: 'denied',
  ad_user_data: 'denied',
  ad_personalization: 'denied',
  analytics_storage: 'denied',
  functionality_storage: 'denied',
  personalization_storage: 'denied',
  security_storage: 'granted',
}

const t = useChromium(() =>
  site({
    '/': page(config, tag('analytics') + tag('advertising')),
    '/mapped': page({ google: { consentMode: true, mapping: { analytics: ['analytics_storage', 'ad_user_data'] } } }, tag('analytics')),
  }),
)

describe('Google Consent Mode v2', () => {
  test('defaults for all seven types go out first, as Arguments objects, with region defaults and url_passthrough', async () => {
    await t.page.goto(t.server.url)
    const entries = await layer(t.page)
    expect(entries.every((e) => e.kind === '[object Arguments]')).toBe(true)
    expect(entries.map((e) => e.value)).toEqual([
      ['consent', 'default', { ...DENIED, wait_for_update: 800 }],
      ['consent', 'default', { ...DENIED, wait_for_update: 800, region: ['US-CA'], analytics_storage: 'granted' }],
      ['set', 'url_passthrough', true],
    ])
    expect(await t.page.evaluate(() => (window as unknown as { seen?: unknown }).seen)).toBeUndefined()
    expect(t.errors).toEqual([])
  })

  test('a choice pushes `consent update` and the GTM event before the first gated tag runs', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await expect.poll(() => t.page.evaluate(() => Object.keys((window as unknown as { seen?: object }).seen ?? {}).length)).toBe(2)
    const seen = await t.page.evaluate(() => (window as unknown as { seen: Record<string, Entry[]> }).seen.analytics)
    expect(seen[0]).toEqual(['consent', 'default', { ...DENIED, wait_for_update: 800 }])
    const granted = Object.fromEntries(Object.keys(DENIED).map((k) => [k, 'granted']))
    expect(seen[3]).toEqual(['consent', 'update', granted])
    expect(seen[4]).toMatchObject({ event: 'consentry_consent_update', consentry: { decided: true, categories: { analytics: true } } })
    expect((await layer(t.page))[3].kind).toBe('[object Arguments]')
  })

  test('a stored choice is pushed as an update on every page load, right after the defaults', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'reject-all').click()
    await t.page.reload()
    const entries = (await layer(t.page)).map((e) => e.value)
    expect(entries.slice(0, 4)).toEqual([
      ['consent', 'default', { ...DENIED, wait_for_update: 800 }],
      ['consent', 'default', { ...DENIED, wait_for_update: 800, region: ['US-CA'], analytics_storage: 'granted' }],
      ['set', 'url_passthrough', true],
      ['consent', 'update', DENIED],
    ])
    expect(entries[4]).toMatchObject({ event: 'consentry_consent_update' })
  })

  test('a withdrawal pushes an update that denies again', async () => {
    await t.page.goto(t.server.url)
    await action(t.page, 'accept-all').click()
    await t.page.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ advertising: false }))
    const updates = (await layer(t.page)).map((e) => e.value).filter((v) => Array.isArray(v) && v[1] === 'update') as [string, string, Record<string, string>][]
    expect(updates.length).toBe(2)
    expect(updates[1][2]).toMatchObject({ ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' })
  })

  test('the category → type mapping is configurable', async () => {
    await t.page.goto(t.server.url + 'mapped')
    await t.page.evaluate(() => (window as unknown as { Consentry: { save(c: object): void } }).Consentry.save({ analytics: true }))
    const update = (await layer(t.page)).map((e) => e.value).find((v) => Array.isArray(v) && v[1] === 'update') as [string, string, Record<string, string>]
    expect(update[2]).toMatchObject({ analytics_storage: 'granted', ad_user_data: 'granted', ad_storage: 'denied' })
  })
})
