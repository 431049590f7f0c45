// `npm install consentry` in a Vite app, as a user does it (README, "npm / single-page apps"):
// the package as `npm pack` makes it, installed into a fresh app, built by Vite with no plugin and
// no copied file, then loaded in Chromium. A German page gets the German banner from the locale's
// own chunk, built by Vite and under its dev server, and built by Rollup and by webpack; what the page loads up front holds no other language;
// a root-relative `language.path` fetches from the page's origin instead.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import resolve from '@rollup/plugin-node-resolve'
import { rollup } from 'rollup'
import { build, createServer } from 'vite'
import webpack from 'webpack'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { action, banner, type Route, site, useChromium } from './harness.js'

const config = { policyUrl: '/privacy', categories: { necessary: {}, analytics: {} } }
const texts = (lang: string) => JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8')) as { banner: { acceptAll: string; description: string } }

/** Two pages of one app: `index.html` with the config alone, `path.html` with language.path "/locales/". */
const app: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { consentry: '0.1.0' } }),
  'index.html': `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>App</title>
<script type="module" src="/src/main.js"></script></head><body><h1>App</h1></body></html>`,
  'path.html': `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>App</title>
<script type="module" src="/src/path.js"></script></head><body><h1>App</h1></body></html>`,
  'src/main.js': `import { init } from 'consentry'\ninit(${JSON.stringify(config)})\n`,
  'src/path.js': `import { init } from 'consentry'\ninit(${JSON.stringify({ ...config, language: { path: '/locales/' } })})\n`,
}

let dir: string
/** The built app: path → content, served as it would be from any static host. */
const routes: Record<string, Route> = {}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'consentry-npm-'))
  // The package exactly as published: what `files` and `exports` let through, nothing from src/.
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!
  const root = join(dir, 'app')
  mkdirSync(join(root, 'node_modules', 'consentry'), { recursive: true })
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', join(root, 'node_modules', 'consentry'), '--strip-components=1'])
  // Its three dependencies, as npm would install them beside it (no registry needed).
  for (const name of ['preact', 'nanostores']) symlinkSync(join(process.cwd(), 'node_modules', name), join(root, 'node_modules', name))
  for (const [file, content] of Object.entries(app)) {
    mkdirSync(join(root, file, '..'), { recursive: true })
    writeFileSync(join(root, file), content)
  }
}, 120_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const t = useChromium(async () => {
  const root = join(dir, 'app')
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: { rollupOptions: { input: { index: join(root, 'index.html'), path: join(root, 'path.html') } } },
  })
  const out = join(root, 'dist')
  for (const file of readdirSync(out, { recursive: true, withFileTypes: true })) {
    if (file.isFile()) routes['/' + join(file.parentPath, file.name).slice(out.length + 1)] = readFileSync(join(file.parentPath, file.name), 'utf8')
  }
  routes['/'] = routes['/index.html']!
  // The site's own copy of a locale, for language.path (fetched only there).
  routes['/locales/fr.json'] = { body: JSON.stringify({ banner: { acceptAll: 'Tout accepter (site)' } }), type: 'application/json' }
  return site(routes)
})

const scripts = () => Object.entries(routes).filter(([path]) => path.endsWith('.js')) as [string, string][]

describe('an npm + Vite app', () => {
  test('a <html lang="de"> page shows the German banner from the package, loading only the German locale', async () => {
    await t.page.goto(t.server.url)
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe(texts('de').banner.acceptAll)
    const loaded = t.server.requests.filter((path) => path.endsWith('.js'))
    // The German locale's chunk (its banner text is in no other file; the TCF labels share button words).
    const german = scripts().filter(([, code]) => code.includes(texts('de').banner.description))
    expect(german).toHaveLength(1)
    expect(loaded).toContain(german[0][0])
    // No other language's chunk was downloaded.
    expect(scripts().filter(([path, code]) => loaded.includes(path) && code.includes(texts('fr').banner.description))).toEqual([])
    expect(t.errors).toEqual([])
  })

  test('each of the 42 other locales is a chunk of its own, none in what the page loads up front', () => {
    // Up front: the entry script and the modules Vite preloads beside it.
    const upFront = [...(routes['/index.html'] as string).matchAll(/(?:src|href)="(\/[^"]+\.js)"/g)].map((m) => m[1])
    const first = upFront.map((path) => routes[path] as string).join('\n')
    expect(first).toContain(texts('en').banner.acceptAll)
    const others = readdirSync('locales')
      .filter((f) => f.endsWith('.json') && f !== 'en.json')
      .map((f) => f.slice(0, -5))
    expect(others).toHaveLength(42)
    const chunks = new Set<string>()
    for (const lang of others) {
      const { description } = texts(lang).banner
      expect(first.includes(description), `${lang} is loaded up front`).toBe(false)
      const holding = scripts().filter(([, code]) => code.includes(description))
      expect(
        holding.map(([path]) => path),
        `the chunk of ${lang}`,
      ).toHaveLength(1)
      chunks.add(holding[0][0])
    }
    expect(chunks.size).toBe(42)
  })

  test('the dev server (`vite`, dependencies pre-bundled) shows the German banner too', async () => {
    const server = await createServer({ root: join(dir, 'app'), configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, hmr: false } })
    try {
      await server.listen()
      await t.page.goto(server.resolvedUrls!.local[0])
      await expect.poll(() => banner(t.page).isVisible(), { timeout: 30_000 }).toBe(true)
      expect(await action(t.page, 'accept-all').textContent()).toBe(texts('de').banner.acceptAll)
      expect(t.errors).toEqual([])
    } finally {
      await server.close()
    }
  })

  test('built by Rollup with only the set-up any nanostores app needs, it shows the German banner too', async () => {
    const root = join(dir, 'app')
    // nanostores reads process.env.NODE_ENV: a Rollup app replaces it (@rollup/plugin-replace); Vite does so itself.
    const nodeEnv = { name: 'node-env', transform: (code: string) => code.replaceAll('process.env.NODE_ENV', '"production"') }
    const bundle = await rollup({ input: join(root, 'src/main.js'), plugins: [resolve({ browser: true, rootDir: root }), nodeEnv], logLevel: 'silent' })
    const { output } = await bundle.generate({ format: 'es', dir: 'rollup' })
    await bundle.close()
    for (const file of output) if (file.type === 'chunk') t.server.routes.set(`/rollup/${file.fileName}`, file.code)
    t.server.routes.set('/rollup/', app['index.html'].replace('/src/main.js', '/rollup/main.js'))
    expect(output.filter((file) => file.type === 'chunk').length).toBeGreaterThan(42)
    await t.page.goto(t.server.url + 'rollup/')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe(texts('de').banner.acceptAll)
    expect(t.errors).toEqual([])
  })

  test('built by webpack 5 with its defaults (production mode), it shows the German banner and splits each locale off', async () => {
    const root = join(dir, 'app')
    const out = join(dir, 'webpack')
    const stats = await new Promise<webpack.Stats>((done, fail) =>
      webpack({ mode: 'production', context: root, entry: './src/main.js', output: { path: out, publicPath: '/webpack/' } }, (error, result) =>
        error || !result ? fail(error) : done(result),
      ),
    )
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([])
    const files = readdirSync(out).filter((name) => name.endsWith('.js'))
    for (const name of files) t.server.routes.set(`/webpack/${name}`, readFileSync(join(out, name), 'utf8'))
    t.server.routes.set('/webpack/', app['index.html'].replace('type="module" src="/src/main.js"', 'src="/webpack/main.js"'))
    // The entry plus one chunk per other language at least: webpack splits the package's import()s.
    expect(files.length).toBeGreaterThan(42)
    expect(readFileSync(join(out, 'main.js'), 'utf8').includes(texts('de').banner.description)).toBe(false)
    t.server.requests.length = 0
    await t.page.goto(t.server.url + 'webpack/')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe(texts('de').banner.acceptAll)
    // The entry, the German texts and the config's check (src/lazy/check.ts): a first visit.
    expect(t.server.requests.filter((path) => path.startsWith('/webpack/') && path.endsWith('.js')).length).toBe(3)
    expect(t.errors).toEqual([])
  })

  test('a root-relative language.path ("/locales/") fetches the page language from the site instead', async () => {
    t.server.requests.length = 0
    await t.page.goto(t.server.url + 'path.html')
    await expect.poll(() => banner(t.page).isVisible()).toBe(true)
    expect(await action(t.page, 'accept-all').textContent()).toBe('Tout accepter (site)')
    expect(t.server.requests).toContain('/locales/fr.json')
    expect(t.errors).toEqual([])
  })
})
