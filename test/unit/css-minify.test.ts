// The UI's stylesheets are minified at build time (scripts/raw-css.mjs) by a real CSS
// minifier: a regex one would join descendant selectors such as `a :focus` into `a:focus`.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { minifyCss } from '../../scripts/raw-css.mjs'

test('descendant selectors keep their meaning; comments and spacing go', () => {
  expect(minifyCss('/* note */\na :focus-visible { outline: 3px solid red; }\n.actions > * { flex: 1 1 auto; }')).toBe(
    'a :focus-visible{outline:3px solid red}.actions>*{flex:1 1 auto}',
  )
})

test('every stylesheet of the UI minifies to fewer bytes, with no comment left', () => {
  for (const name of ['styles', 'preferences', 'embed']) {
    const css = readFileSync(`src/ui/${name}.css`, 'utf8')
    const out = minifyCss(css)
    expect(out.length, name).toBeLessThan(css.length)
    expect(out, name).not.toContain('/*')
  }
})
