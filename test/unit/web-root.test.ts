// @vitest-environment node
// dist/browser/ is the folder a site serves for the script tag (README, "Script tag quick start"): exactly the
// files a visitor's browser may load, so that serving it puts no server code, CLI or type
// declarations on the web. Anything else landing there fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

const SCRIPT_TAG_FILES = [
  // The script-tag builds (plain, with auto-blocking inside, with IAB TCF)…
  'consentry.iife.js',
  'consentry-autoblock.iife.js',
  'consentry-tcf.iife.js',
  // …the chunks they load from beside themselves, and the TCF stub a site may inline or serve.
  'consentry-autoblock.js',
  'consentry-check.js',
  'consentry-checktcf.js',
  'consentry-extras.js',
  'consentry-receipts.js',
  'consentry-reopen.js',
  'consentry-tcf.js',
  'consentry-tcf-stub.js',
]

test('dist/browser/ holds the script-tag builds, their chunks and the locales, and nothing else', () => {
  expect(existsSync('dist/browser'), 'run `npm run build` first').toBe(true)
  const locales = readdirSync('locales', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`)
  const listed = readdirSync('dist/browser', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath.slice('dist/browser'.length + 1)}/${entry.name}`.replace(/^\//, ''))
  expect(listed.sort()).toEqual([...SCRIPT_TAG_FILES, ...locales].sort())
})

test('each file in dist/browser/ is the one the npm package ships at its dist/ path', () => {
  for (const file of [...SCRIPT_TAG_FILES, 'locales/en.json'])
    expect(readFileSync(`dist/browser/${file}`).equals(readFileSync(`dist/${file}`)), file).toBe(true)
})
