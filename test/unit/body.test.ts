// When the first layer may be drawn (src/ui/body.ts): within the parser's task while the page is
// parsing (the blocking tag: the banner is part of the first paint), in a task of its own once it
// is parsed (defer, async, the after-paint loader: the start-up is two short tasks, not one long).
import { afterEach, expect, test, vi } from 'vitest'
import { whenBody } from '../../src/ui/body.js'

afterEach(() => vi.restoreAllMocks())

/** Whether `promise` settles within the current task (microtasks only). */
async function settlesInThisTask(promise: Promise<void>): Promise<boolean> {
  let settled = false
  void promise.then(() => (settled = true))
  for (let i = 0; i < 10; i++) await Promise.resolve()
  return settled
}

test('a parsed page: the body is there, but the banner waits for a task of its own', async () => {
  expect(document.readyState).not.toBe('loading')
  const ready = whenBody()
  expect(await settlesInThisTask(ready)).toBe(false)
  await new Promise((resolve) => setTimeout(resolve))
  expect(await settlesInThisTask(ready)).toBe(true)
})

test('a page still parsing, with its body: at once, in the same task', async () => {
  vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading')
  expect(await settlesInThisTask(whenBody())).toBe(true)
})
