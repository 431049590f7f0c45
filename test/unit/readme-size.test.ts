// @vitest-environment node
// The README's size claim must be true of the build (as nanostores checks its own).
import { existsSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { expect, test } from 'vitest'

test('the README states the script-tag budget, and the build is within it', () => {
  expect(existsSync('dist/consentry.iife.js'), 'run `npm run build` first').toBe(true)
  const claim = /\*\*(\d+(?:\.\d+)?) kB\*\* gzip at most for the script-tag build/.exec(readFileSync('README.md', 'utf8'))
  expect(claim, 'README.md lost its size claim').not.toBeNull()
  const budget = JSON.parse(readFileSync('package.json', 'utf8'))['size-limit'].find((e: { path: string }) => e.path === 'dist/consentry.iife.js')
  expect(budget.limit).toBe(`${claim![1]} kB`)
  const actual = gzipSync(readFileSync('dist/consentry.iife.js'), { level: 9 }).length / 1000
  expect(actual).toBeLessThanOrEqual(Number(claim![1]))
})
