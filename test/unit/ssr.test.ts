// @vitest-environment node
import { expect, test } from 'vitest'

test('the npm entry imports and answers without a DOM (SSR)', async () => {
  expect(typeof document).toBe('undefined')
  const Consentry = await import('../../src/index.js')
  expect(Consentry.has('analytics')).toBe(false)
  expect(Consentry.get().decided).toBe(false)
  await expect(Consentry.init({})).resolves.toMatchObject({ decided: false })
  expect(Consentry.$consent.get().categories.necessary).toBe(true)
})

test('every call after init() answers without throwing in Node (SSR)', async () => {
  const Consentry = await import('../../src/index.js')
  await Consentry.init({ categories: { analytics: {} } })
  expect(Consentry.acceptAll()).toMatchObject({ decided: false })
  expect(Consentry.rejectAll()).toMatchObject({ decided: false })
  expect(Consentry.save({ analytics: true })).toMatchObject({ decided: false })
  expect(Consentry.has('analytics')).toBe(false)
  expect(() => {
    Consentry.show()
    Consentry.showPreferences()
    Consentry.hide()
    Consentry.reset()
    Consentry.on('change', () => {})()
  }).not.toThrow()
  await expect(Consentry.receipts()).resolves.toEqual([])
  await expect(Consentry.setLanguage('de')).resolves.toBeUndefined()
})
