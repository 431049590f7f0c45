// Opening the preference centre must not build the locale's Intl formatters in the click: the
// first one of a page view loads ICU data (most of the opening at 4× CPU in a profile,
// src/ui/formats.ts). They are built when the centre's chunk arrives on intent.
import Cookies from 'js-cookie'
import { afterEach, expect, test, vi } from 'vitest'
import * as Consentry from '../../src/index.js'

const shadow = () => document.getElementById('consentry-root')!.shadowRoot!
const { NumberFormat, DateTimeFormat } = Intl
/** Every Intl formatter built, by kind. */
const built: string[] = []

afterEach(() => {
  Consentry.hide()
  Object.assign(Intl, { NumberFormat, DateTimeFormat })
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
})

test('a pointer on "Manage preferences" readies the formats; the click that opens the centre builds none', async () => {
  Object.assign(Intl, {
    NumberFormat: class extends NumberFormat {
      constructor(...args: ConstructorParameters<typeof NumberFormat>) {
        super(...args)
        built.push('number')
      }
    },
    DateTimeFormat: class extends DateTimeFormat {
      constructor(...args: ConstructorParameters<typeof DateTimeFormat>) {
        super(...args)
        built.push('date')
      }
    },
  })
  await Consentry.init({ categories: { necessary: { required: true }, analytics: {} } })
  shadow()
    .querySelector('[data-action="preferences"]')!
    .dispatchEvent(new Event('pointerover', { bubbles: true, composed: true }))
  // The chunk arrives, then its warm-up task runs.
  await vi.waitFor(() => expect(built.sort()).toEqual(['date', 'number']))
  built.length = 0

  Consentry.showPreferences()
  await vi.waitFor(() => expect(shadow().querySelector('[part~="preferences"]')).not.toBeNull())
  expect(shadow().querySelector('[part~="preferences"]')!.textContent).toContain('182 days')
  expect(built).toEqual([])
})
