import { readFileSync, mkdirSync, copyFileSync, cpSync } from 'node:fs'
import { dirname, join } from 'node:path'
import typescript from '@rollup/plugin-typescript'
import resolve from '@rollup/plugin-node-resolve'
import json from '@rollup/plugin-json'
import terser from '@rollup/plugin-terser'
import { eagerFirstView } from './scripts/eager-first-view.mjs'
import { rawCss } from './scripts/raw-css.mjs'

const pkg = JSON.parse(readFileSync('./package.json', 'utf8'))

/** The folder a site serves for the script tag: the script-tag builds, their lazy chunks and the locales, nothing else. */
const WEB_ROOT = 'dist/browser'

/** Other languages are fetched at run time from locales/ beside the script, never bundled; the TCF layer's from locales/tcf/. */
function copyLocales() {
  return {
    name: 'copy-locales',
    writeBundle() {
      for (const dir of ['dist/locales', `${WEB_ROOT}/locales`]) cpSync('locales', dir, { recursive: true })
    },
  }
}

/**
 * A copy of each file a visitor's browser may load into dist/browser/, so a site can serve that
 * folder alone: no server code, CLI or type declarations on the web. The same files stay in dist/
 * for the npm package's exports and the tests. test/unit/web-root.test.ts lists what it holds.
 */
const webRoot = () => ({
  name: 'web-root',
  writeBundle(options, bundle) {
    mkdirSync(WEB_ROOT, { recursive: true })
    for (const name of Object.keys(bundle)) copyFileSync(join(options.dir ?? dirname(options.file), name), join(WEB_ROOT, name))
  },
})

/** The SDK version, and nanostores' dev-only checks compiled out of browser builds. */
const defines = {
  name: 'defines',
  transform(code) {
    if (!code.includes('__SDK_VERSION__') && !code.includes('process.env.NODE_ENV')) return null
    return code.replaceAll('__SDK_VERSION__', JSON.stringify(pkg.version)).replaceAll('process.env.NODE_ENV', '"production"')
  },
}

const terserOptions = {
  ecma: 2021,
  module: true,
  compress: { passes: 3, unsafe_arrows: true },
  format: { comments: false },
}

const browserPlugins = (declarations) => [
  rawCss(),
  defines,
  json({ preferConst: true, compact: true }),
  resolve({ browser: true }),
  // Declarations only for what package.json exports (tsconfig.types.json: the public entries and
  // what their types reach), not for the CLI, scanner or console. Only that build type-checks:
  // the others transpile (noCheck), since `npm run typecheck` checks all of src/ and the tests
  // once, where each build checking the same program again cost a quarter of the build's time
  // (121 → 94 s).
  typescript({
    tsconfig: declarations ? './tsconfig.types.json' : './tsconfig.json',
    ...(declarations ? { declaration: true, declarationDir: 'dist' } : { noCheck: true }),
    noEmitOnError: true,
  }),
]

/** The script-tag build loads its lazy parts as sibling IIFE files, not import() chunks. */
const scriptLoader = (file = './src/lazy/script.ts') => ({
  name: 'script-loader',
  resolveId(id, importer) {
    // Every importer but the loader itself (which takes only types from it).
    if (importer && !/src[\\/]lazy[\\/]/.test(importer) && id.endsWith('lazy/index.js')) return new URL(file, import.meta.url).pathname
  },
})

/** The plain script-tag builds carry no TCF code: the hook and the `tcf` config key come from src/tcf/none.ts. */
const noTcf = () => ({
  name: 'no-tcf',
  resolveId(id, importer) {
    if (importer && (id.endsWith('/tcf-shape.js') || id.endsWith('/tcf/hook.js'))) return new URL('./src/tcf/none.ts', import.meta.url).pathname
  },
})

/** The script-tag TCF chunk fetches even its English labels from locales/tcf/en.json beside it (src/tcf/english.ts says why). */
const fetchedLabels = () => ({
  name: 'fetched-labels',
  resolveId(id, importer) {
    if (importer && id === './english.js' && /src[\\/]tcf[\\/]/.test(importer)) return new URL('./src/tcf/fetched.ts', import.meta.url).pathname
  },
})

/**
 * The script-tag builds say less about a bad config (src/config/messages-short.ts): each path and
 * what is wrong, not what was expected; `npx consentry validate` and the npm build say that.
 */
const shortConfigErrors = () => ({
  name: 'short-config-errors',
  resolveId(id, importer) {
    if (importer && /src[\\/]config[\\/]/.test(importer) && id === './messages.js') return new URL('./src/config/messages-short.ts', import.meta.url).pathname
  },
})

/** A script tag always runs in a page: the API's SSR checks fold away (src/has-dom-page.ts). */
const inPage = () => ({
  name: 'in-page',
  resolveId(id, importer) {
    if (importer && id === './has-dom.js' && /src[\\/]api\.ts$/.test(importer)) return new URL('./src/has-dom-page.ts', import.meta.url).pathname
  },
})

/** The console's page and styles beside its script (src/server/dashboard.ts serves dist/dashboard/). */
function copyDashboard() {
  return {
    name: 'copy-dashboard',
    writeBundle() {
      mkdirSync('dist/dashboard', { recursive: true })
      for (const file of ['index.html', 'console.css']) copyFileSync(`src/dashboard/${file}`, `dist/dashboard/${file}`)
      copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/dashboard/uPlot.min.css')
    },
  }
}

const nodeExternal = [/^node:/, 'hono', /^hono\//, '@hono/node-server', 'better-sqlite3', 'pg', 'playwright-core']

export default [
  // Script-tag build: one file, everything inside, window.Consentry. After terser,
  // scripts/eager-first-view.mjs marks the functions a first view calls so that V8
  // compiles them while it streams the file, off the main thread, and leaves the
  // rest to be compiled when first used (test/bench/README.md). The plugin moves the declarations
  // it marks to the top of their scope itself, so terser's hoist_funs no longer saves bytes.
  {
    input: 'src/browser.ts',
    output: {
      file: 'dist/consentry.iife.js',
      format: 'iife',
      plugins: [terser(terserOptions), eagerFirstView()],
    },
    plugins: [inPage(), noTcf(), shortConfigErrors(), scriptLoader(), ...browserPlugins(false), copyLocales(), webRoot()],
  },
  // The same with auto-blocking inside (config autoBlock), started before the parser goes on.
  {
    input: 'src/browser.ts',
    output: {
      file: 'dist/consentry-autoblock.iife.js',
      format: 'iife',
      plugins: [terser(terserOptions), eagerFirstView()],
    },
    plugins: [inPage(), noTcf(), shortConfigErrors(), scriptLoader('./src/lazy/script-autoblock.ts'), ...browserPlugins(false), webRoot()],
  },
  // The same with IAB TCF (config tcf, docs/tcf.md): the `__tcfapi` stub, the `tcf` key, and the hook that loads consentry-tcf.js.
  {
    input: 'src/browser-tcf.ts',
    output: {
      file: 'dist/consentry-tcf.iife.js',
      format: 'iife',
      plugins: [terser(terserOptions), eagerFirstView()],
    },
    plugins: [inPage(), shortConfigErrors(), scriptLoader('./src/lazy/script-tcf.ts'), ...browserPlugins(false), webRoot()],
  },
  // Its lazy parts (src/lazy): same folder, loaded on first use.
  {
    input: 'src/lazy/extras.ts',
    output: { file: 'dist/consentry-extras.js', format: 'iife', name: 'ConsentryExtras', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), webRoot()],
  },
  // The config's check (src/lazy/check.ts): without the `tcf` key for the plain builds, with it for consentry-tcf.iife.js.
  {
    input: 'src/lazy/check.ts',
    output: { file: 'dist/consentry-check.js', format: 'iife', name: 'ConsentryCheck', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [noTcf(), shortConfigErrors(), ...browserPlugins(false), webRoot()],
  },
  {
    input: 'src/lazy/check.ts',
    output: { file: 'dist/consentry-checktcf.js', format: 'iife', name: 'ConsentryCheckTcf', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [shortConfigErrors(), ...browserPlugins(false), webRoot()],
  },
  {
    input: 'src/lazy/reopen.ts',
    output: { file: 'dist/consentry-reopen.js', format: 'iife', name: 'ConsentryReopen', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), webRoot()],
  },
  // Auto-blocking for the plain script-tag build (config autoBlock): loaded on demand, late.
  {
    input: 'src/effects/autoblock.ts',
    output: { file: 'dist/consentry-autoblock.js', format: 'iife', name: 'ConsentryAutoBlock', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), webRoot()],
  },
  {
    input: 'src/receipts/client.ts',
    output: { file: 'dist/consentry-receipts.js', format: 'iife', name: 'ConsentryReceipts', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), webRoot()],
  },
  // IAB TCF (docs/tcf.md): the CMP chunk, loaded only with config `tcf`, and the stub a site inlines before its ad tags.
  {
    input: 'src/tcf/cmp.ts',
    output: { file: 'dist/consentry-tcf.js', format: 'iife', name: 'ConsentryTcf', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [fetchedLabels(), ...browserPlugins(false), webRoot()],
  },
  {
    input: 'src/tcf/stub-entry.ts',
    output: { file: 'dist/consentry-tcf-stub.js', format: 'iife', strict: false, plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), webRoot()],
  },
  // The validator CLI's checks for the config playground (demo/playground.html): not shipped to visitors.
  {
    input: 'src/cli/browser.ts',
    output: { file: 'dist/consentry-validate.js', format: 'iife', name: 'ConsentryValidate', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: browserPlugins(false),
  },
  // The site owner's console (GET /dashboard on the collector), with uPlot inside: never loaded by
  // a visitor's page.
  {
    input: 'src/dashboard/main.ts',
    output: { file: 'dist/dashboard/console.js', format: 'iife', plugins: [terser({ ...terserOptions, module: false })] },
    plugins: [...browserPlugins(false), copyDashboard()],
  },
  // npm build: ESM, dependencies stay imports so apps share one preact/nanostores.
  {
    input: { consentry: 'src/index.ts', verify: 'src/receipts/verify.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    external: [/^preact/, 'nanostores'],
    plugins: browserPlugins(true),
  },
  // Receipt collector (Node only).
  {
    input: { server: 'src/server/index.ts', 'collector-cli': 'src/server/cli.ts', 'consentry-cli': 'src/cli/bin.ts' },
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunks/[name]-[hash].mjs',
      banner: (chunk) => (chunk.name.endsWith('-cli') ? '#!/usr/bin/env node' : ''),
    },
    external: nodeExternal,
    plugins: [defines, json({ preferConst: true, compact: true }), typescript({ tsconfig: './tsconfig.json', noCheck: true })],
  },
]
