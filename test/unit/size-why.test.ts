// @vitest-environment node
// `npm run size:why` gives each byte of a build to the module its source map points at.
import MagicString from 'magic-string'
import { rollup } from 'rollup'
import { expect, test } from 'vitest'
import { attribute, gzipSize } from '../../scripts/size-why.mjs'

const MODULES: Record<string, string> = {
  'entry.js': "import { words } from 'words.js'\nconsole.log(words, 'entry')\n",
  // Words that do not compress to nothing.
  'words.js': `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => ((i * 7919) % 10007).toString(36)).join(' '))}\n`,
}

test('every byte of the bundle goes to one module, and the biggest module is found', async () => {
  const bundle = await rollup({
    input: 'entry.js',
    // Each module with its own source map, as the TypeScript plugin gives them.
    plugins: [
      {
        name: 'virtual',
        resolveId: (id) => id,
        load: (id) => ({ code: MODULES[id], map: new MagicString(MODULES[id]).generateMap({ hires: true, source: id }) }),
      },
    ],
  })
  const { output } = await bundle.generate({ format: 'iife', sourcemap: true })
  const { code, map } = output[0]
  const report = attribute(code, map)
  expect(report.total).toBe(gzipSize(code))
  expect(report.modules.reduce((sum: number, m: { min: number }) => sum + m.min, 0)).toBe(code.length)
  expect(report.modules[0].module).toBe('words.js')
  expect(report.modules.map((m: { module: string }) => m.module)).toContain('entry.js')
})
