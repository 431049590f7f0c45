// @vitest-environment node
// The script-tag build opens with V8's explicit compile hint (issue 8, rollup.config.mjs):
// Chromium then compiles the bundle while streaming it instead of function by function on
// the main thread. Minifier options drop comments, so a build change could lose it unseen.
import { existsSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

test('the script-tag build starts with the compile hint; the lazy chunks do not carry it', () => {
  expect(existsSync('dist/consentry.iife.js'), 'run `npm run build` first').toBe(true)
  expect(readFileSync('dist/consentry.iife.js', 'utf8').split('\n')[0]).toBe('//# allFunctionsCalledOnLoad')
  // Most of the extras chunk is never called on a page view: eager compilation would only cost heap.
  expect(readFileSync('dist/consentry-extras.js', 'utf8')).not.toContain('allFunctionsCalledOnLoad')
})
