// @vitest-environment node
// The README's SPA example must work as written: every category it checks is one its own
// config declares (a category left out is never allowed, so the example would never show
// its content), and its config is a valid one.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { validate } from '../../src/config/validate.js'

test("the README's SPA example checks only categories its config declares, and the config is valid", () => {
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.slice(readme.indexOf('## npm / single-page apps'))
  const code = /```tsx\n([\s\S]*?)```/.exec(section)![1]
  const literal = /const config = (\{[\s\S]*?\n\}) satisfies Config/.exec(code)
  expect(literal, 'the example declares its config as `const config = {…} satisfies Config`').not.toBeNull()
  // The config is a plain object literal: read it as JSON (quote keys, drop trailing commas).
  const config = JSON.parse(
    literal![1]
      .replace(/'/g, '"')
      .replace(/([{,]\s*)(\w+):/g, '$1"$2":')
      .replace(/,(\s*[}\]])/g, '$1'),
  )
  expect(validate(config)).toEqual([])
  const checked = [...code.matchAll(/categories\.(\w+)/g)].map((m) => m[1])
  expect(checked.length).toBeGreaterThan(0)
  for (const name of checked) expect(Object.keys(config.categories), `categories.${name} is checked`).toContain(name)
})
