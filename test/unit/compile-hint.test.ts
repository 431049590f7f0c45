// @vitest-environment node
// The script-tag build opens with V8's explicit compile hint (issue 8, rollup.config.mjs):
// Chromium then compiles the bundle while streaming it instead of function by function on
// the main thread. Minifier options drop comments, so a build change could lose it unseen.
import { existsSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

test('the script-tag build starts with the compile hint; the lazy chunks do not carry it', () => {
  expect(existsSync('dist/consentry.iife.js'), 'run `npm run build` first').toBe(true)
  expect(readFileSync('dist/consentry.iife.js', 'utf8').split('\n')[0]).toBe('//# allFunctionsCalledOnLoad')
  // Most of a lazy chunk is not called when it loads: eager compilation would only cost heap.
  for (const chunk of ['dist/consentry-extras.js', 'dist/consentry-receipts.js']) expect(readFileSync(chunk, 'utf8'), chunk).not.toContain('allFunctionsCalledOnLoad')
})
