// The rollup plugin behind `import css from './x.css?raw'`: the file as a minified string.
import { readFileSync } from 'node:fs'
import { transformSync } from 'esbuild'

/** `import css from './x.css?raw'` → the file as a minified string (vite does the same in tests). */
export function rawCss() {
  return {
    name: 'raw-css',
    resolveId(id, importer) {
      if (id.endsWith('.css?raw')) return new URL(id.slice(0, -4), 'file://' + importer).pathname + '?raw'
    },
    load(id) {
      if (!id.endsWith('.css?raw')) return null
      // A real CSS minifier: whitespace inside selectors is meaningful (`a :focus`).
      return `export default ${JSON.stringify(minifyCss(readFileSync(id.slice(0, -4), 'utf8')))}`
    },
  }
}

/** esbuild's CSS minifier. Custom property values stay as written: write them tight. */
export const minifyCss = (css) => transformSync(css, { loader: 'css', minify: true }).code.trim()
