// Re-parses the browser builds with acorn at ecmaVersion 2021 (docs/architecture.md, "Builds": evergreen
// browsers, ES2021): a newer syntax slipping in from a dependency fails CI here.
import { readFileSync } from 'node:fs'
import { parse } from 'acorn'

const files = [
  ['dist/consentry.iife.js', 'script'],
  ['dist/consentry.mjs', 'module'],
  ['dist/verify.mjs', 'module'],
]
let failed = false
for (const [file, sourceType] of files) {
  try {
    parse(readFileSync(file, 'utf8'), { ecmaVersion: 2021, sourceType })
    console.log(`ok   ${file} parses as ES2021 ${sourceType}`)
  } catch (error) {
    failed = true
    console.error(`FAIL ${file}: ${error.message}`)
  }
}
process.exit(failed ? 1 : 0)
