// `npm run size:why`: where the first view's gzip bytes go, by source module.
//
// Builds one script-tag entry of rollup.config.mjs (default dist/consentry.iife.js; another with
// `-- dist/consentry-tcf.iife.js`) in memory, with a source map, terser and the eager-first-view
// pass exactly as `npm run build` does, and writes nothing to dist/. Each byte of the output is
// given to the source module its source map points at (bytes terser made up, such as the IIFE
// wrapper, go to "(bundle)"). For each module it prints:
//   min   its minified bytes in the bundle,
//   gzip  what gzip -9 saves when those bytes are taken out of the bundle (the bytes this module
//         costs the visitor given the rest: shared words compress against each other, so the
//         column adds up to less than the total),
// and the bundle's total as size-limit measures it. `--json` prints the same as JSON.
// Quicker than a full build (one entry, about 20 s), so use it to try a change.

import { gzipSync } from 'node:zlib'
import { dirname, relative, resolve } from 'node:path'
import { rollup } from 'rollup'
import configs from '../rollup.config.mjs'

const args = process.argv.slice(2)
const json = args.includes('--json')
const file = args.find((a) => !a.startsWith('--')) ?? 'dist/consentry.iife.js'

/** gzip -9, as @size-limit/file measures. */
export const gzipSize = (text) => gzipSync(text, { level: 9 }).length

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Decodes a source map's `mappings` into, per generated line, [column, source index] pairs. */
export function decodeMappings(mappings) {
  const lines = []
  let source = 0
  for (const line of mappings.split(';')) {
    const segments = []
    let column = 0
    for (const segment of line.split(',')) {
      if (!segment) continue
      const fields = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += fields[0]
      if (fields.length > 1) source += fields[1]
      segments.push([column, fields.length > 1 ? source : -1])
    }
    lines.push(segments)
  }
  return lines
}

/** For each character of `code`, the index of its source (-1: none). */
export function ownerOf(code, map) {
  const owners = new Int32Array(code.length).fill(-1)
  const lines = decodeMappings(map.mappings)
  let offset = 0
  code.split('\n').forEach((text, i) => {
    const segments = lines[i] ?? []
    segments.forEach(([column, source], k) => {
      const end = k + 1 < segments.length ? segments[k + 1][0] : text.length
      owners.fill(source, offset + column, offset + end)
    })
    offset += text.length + 1
  })
  return owners
}

/** Per module: minified bytes and the gzip bytes the bundle loses without them. */
export function attribute(code, map) {
  const owners = ownerOf(code, map)
  const total = gzipSize(code)
  const names = map.sources.map((s) => (s.includes('node_modules/') ? s.slice(s.lastIndexOf('node_modules/') + 13) : s))
  const rows = new Map()
  for (let i = 0; i < code.length; i++) {
    const name = owners[i] < 0 ? '(bundle)' : names[owners[i]]
    rows.set(name, (rows.get(name) ?? 0) + 1)
  }
  const result = [...rows].map(([name, min]) => {
    let rest = ''
    for (let i = 0; i < code.length; i++) if ((owners[i] < 0 ? '(bundle)' : names[owners[i]]) !== name) rest += code[i]
    return { module: name, min, gzip: total - gzipSize(rest) }
  })
  result.sort((a, b) => b.gzip - a.gzip)
  return { total, min: code.length, modules: result }
}

async function main() {
  const config = configs.find((c) => c.output?.file === file)
  if (!config) throw new Error(`size-why: no entry of rollup.config.mjs writes ${file}`)
  // Only the plugins that shape the code: the copy-to-dist ones write files.
  const plugins = config.plugins.filter((p) => p && !['copy-locales', 'web-root', 'copy-dashboard'].includes(p.name))
  const bundle = await rollup({ input: config.input, plugins, onwarn: () => {} })
  const { output } = await bundle.generate({ ...config.output, sourcemap: true })
  await bundle.close()
  const { map } = output[0]
  // Sources are relative to the output file: name them from the repository's root.
  map.sources = map.sources.map((s) => relative(process.cwd(), resolve(dirname(file), s)))
  // The map's URL comment is not in the real build.
  const code = output[0].code.replace(/\/\/# sourceMappingURL=\S+\s*$/, '')
  const report = attribute(code, map)
  if (json) return console.log(JSON.stringify(report, null, 2))
  console.log(`${file}: ${report.min} B minified, ${report.total} B gzip`)
  console.log('   min   gzip  module')
  for (const r of report.modules) console.log(`${String(r.min).padStart(6)} ${String(r.gzip).padStart(6)}  ${r.module}`)
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
