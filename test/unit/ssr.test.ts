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
