// Every fenced block of README.md is checked, so a broken example fails CI: shell lines name npm
// scripts, bins and packages that exist; JSON configs pass the SDK's validator; TS/TSX examples
// type-check against the public API (src/index.ts, what dist/index.d.ts is made from) and run in
// happy-dom; the tree of folders is the one in src/. The HTML blocks run in Chromium against
// dist/browser/ (test/browser/readme.test.ts). A block in another language fails here until a
// check for it is written.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { act, createElement, type FunctionComponent } from 'react'
import { createRoot } from 'react-dom/client'
import Cookies from 'js-cookie'
import { cleanStores } from 'nanostores'
import ts from 'typescript'
import { afterAll, describe, expect, test, vi } from 'vitest'
import { validate } from '../../src/config/validate.js'
import { $consent } from '../../src/core/state.js'
import * as Consentry from '../../src/index.js'
import { $view } from '../../src/ui/view.js'
import { type Block, fencedBlocks } from '../readme.js'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string
  scripts: Record<string, string>
  bin: Record<string, string>
  peerDependencies: Record<string, string>
}
const README = 'README.md'
const blocks = fencedBlocks(README)
const of = (...langs: string[]) => blocks.filter((b) => langs.includes(b.lang))
const at = (b: Block) => `${README}:${b.line}`

/** What `consentry <command>` accepts (src/cli/main.ts). */
const CLI_COMMANDS = ['validate', 'scan']

/** Why a shell command in the README would fail, or undefined when it names what exists. */
function unknownCommand(line: string): string | undefined {
  const words = line.split(/\s+/)
  const [tool, sub, ...rest] = words
  if (tool === 'npm' && sub === 'install') {
    const names = rest.filter((w) => !w.startsWith('-'))
    for (const name of names) {
      const [bare, version] = name.split(/(?<=.)@/)
      if (bare === pkg.name) continue
      // A peer the README tells users to add: the version the package declares.
      if (pkg.peerDependencies[bare] === undefined) return `"${bare}" is not this package nor one of its peers`
      if (version !== pkg.peerDependencies[bare]) return `${bare}@${version}, but package.json pins ${pkg.peerDependencies[bare]}`
    }
    return undefined
  }
  if (tool === 'npm' && sub === 'run') return pkg.scripts[rest[0]] ? undefined : `no npm script "${rest[0]}"`
  if (tool === 'npm' && sub === 'test') return pkg.scripts.test ? undefined : 'no npm test script'
  if (tool === 'npx') {
    if (!pkg.bin[sub]) return `no bin "${sub}"`
    if (sub === 'consentry' && !CLI_COMMANDS.includes(rest[0])) return `consentry has no command "${rest[0]}"`
    return undefined
  }
  return `not a command this test knows: ${line}`
}

test('every fenced block is in a language a README test checks', () => {
  const checked = ['sh', 'json', 'tsx', 'ts', 'js', 'html', '']
  for (const b of blocks) expect(checked, `${at(b)} \`\`\`${b.lang}`).toContain(b.lang)
  expect(of('html').length).toBeGreaterThan(0)
})

describe('shell commands', () => {
  test.each(of('sh', 'bash').map((b) => [at(b), b] as const))('%s names scripts, bins and packages that exist', (_, b) => {
    const lines = b.code
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(unknownCommand(line), line).toBeUndefined()
  })

  test('every `npm …` and `npx …` in the prose names what exists too', () => {
    const inline = [...readFileSync(README, 'utf8').matchAll(/`((?:npm|npx) [^`]+)`/g)].map((m) => m[1])
    expect(inline.length).toBeGreaterThan(5)
    for (const command of inline) expect(unknownCommand(command), command).toBeUndefined()
  })
})

describe('JSON configs', () => {
  test.each(of('json').map((b) => [at(b), b] as const))('%s is a config the SDK accepts', (_, b) => {
    expect(validate(JSON.parse(b.code))).toEqual([])
  })
})

/** The README's JSON config, as the `./consent.json` an example may import. */
const CONSENT_JSON = of('json')[0].code

/**
 * The diagnostics TypeScript gives `code` as a module of an app that imports `consentry` (and may
 * import `./consent.json`), strict; JavaScript is checked too (checkJs, implicit `any` allowed). JSX is React's unless the
 * example uses the Preact binding.
 */
function typeErrors(code: string, ext: string): string[] {
  const file = resolve(`test/unit/readme-example.${ext}`)
  const virtual = new Map([
    [file, code],
    [resolve('test/unit/consent.json'), CONSENT_JSON],
  ])
  const options: ts.CompilerOptions = {
    strict: true,
    // Plain JavaScript has no annotations to give: what is checked there is the API's names and shapes.
    noImplicitAny: ext === 'ts' || ext === 'tsx',
    noEmit: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    jsxImportSource: code.includes('@nanostores/preact') ? 'preact' : 'react',
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    resolveJsonModule: true,
    // The package's public entry, as an app resolves `consentry`.
    paths: { consentry: [resolve('src/index.ts')] },
  }
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (name) => virtual.has(name) || fileExists(name)
  host.readFile = (name) => virtual.get(name) ?? readFile(name)
  host.getSourceFile = (name, version, ...rest) =>
    virtual.has(name) ? ts.createSourceFile(name, virtual.get(name)!, version, true) : getSourceFile.call(host, name, version, ...rest)
  const program = ts.createProgram([file], options, host)
  // Only the example's own problems: src/ is type-checked with its own settings by `npm run typecheck`.
  const source = program.getSourceFile(file)!
  return ts.getPreEmitDiagnostics(program, source).map((d) => {
    const { line } = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: -1 }
    return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
}

const scripts = of('tsx', 'ts', 'js')

describe('TypeScript and JavaScript examples', () => {
  test.each(scripts.map((b) => [at(b), b] as const))(
    '%s type-checks against the public API',
    (_, b) => {
      expect(typeErrors(b.code, b.lang)).toEqual([])
    },
    60_000,
  )

  test('the type check fails an example that gets the API wrong (the check itself works)', () => {
    const wrong = "import { init } from 'consentry'\ninit({ categories: { analytics: { required: 'yes' } } })\n"
    expect(typeErrors(wrong, 'ts').join('\n')).toMatch(/line 2: Type 'string' is not assignable to type 'boolean \| undefined'/)
  }, 60_000)
})

// docs/spa.md, the guide an npm user reads next: its commands and its JavaScript examples the same
// way. Its Vue single-file component is not compiled here (no Vue compiler among the dev dependencies).
describe('docs/spa.md', () => {
  const spa = fencedBlocks('docs/spa.md')
  const where = (b: Block) => `docs/spa.md:${b.line}`

  test('has only blocks checked here, and the Vue one', () => {
    for (const b of spa) expect(['sh', 'js', 'jsx', 'ts', 'tsx', 'vue'], where(b)).toContain(b.lang)
  })

  test.each(spa.filter((b) => b.lang === 'sh').map((b) => [where(b), b] as const))('%s names what exists', (_, b) => {
    for (const line of b.code.split('\n').filter(Boolean)) expect(unknownCommand(line.trim()), line).toBeUndefined()
  })

  test.each(spa.filter((b) => ['js', 'jsx', 'ts', 'tsx'].includes(b.lang)).map((b) => [where(b), b] as const))(
    '%s type-checks against the public API',
    (_, b) => {
      expect(typeErrors(b.code, b.lang)).toEqual([])
    },
    60_000,
  )
})

describe('the npm / single-page app example, run', () => {
  // Written beside this file so that its imports resolve from the repository; removed afterwards.
  const module = resolve('test/unit/.readme-example.mjs')
  afterAll(() => {
    rmSync(module, { force: true })
    Consentry.hide()
    for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' })
    cleanStores($consent, $view)
  })

  test('it starts the SDK, shows the button until functional is allowed, then the video', async () => {
    const example = of('tsx').find((b) => b.code.includes("from 'consentry'"))!
    expect(example, 'the README has a TSX example using consentry').toBeDefined()
    // The same module instance as this test's: `consentry` is the package's entry, src/index.ts.
    const js = ts.transpileModule(example.code, { compilerOptions: { jsx: ts.JsxEmit.ReactJSX, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    writeFileSync(module, js.outputText.replace(/from 'consentry'/g, `from '${resolve('src/index.ts')}'`))
    const app = (await import(/* @vite-ignore */ module)) as Record<string, FunctionComponent | undefined>
    // init(config) ran when the module loaded: the banner is up.
    await vi.waitFor(() => expect(document.getElementById('consentry-root')?.shadowRoot?.querySelector('[part~="banner"]')).not.toBeNull())
    const components = Object.entries(app).filter((entry): entry is [string, FunctionComponent] => typeof entry[1] === 'function')
    expect(components.length).toBeGreaterThan(0)
    ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
    const container = document.body.appendChild(document.createElement('div'))
    const root = createRoot(container)
    for (const [, component] of components) await act(async () => root.render(createElement(component)))
    const button = container.querySelector('button')!
    expect(button.textContent).toMatch(/Allow/)
    expect(container.querySelector('iframe')).toBeNull()
    await act(async () => button.click())
    expect($view.get()).toBe('preferences')
    await act(async () => void Consentry.acceptAll())
    expect(container.querySelector('iframe')?.getAttribute('src')).toMatch(/^https:\/\/www\.youtube-nocookie\.com\/embed\//)
    await act(async () => root.unmount())
  })

  test('every category it checks is one its config declares (one left out is never allowed)', () => {
    for (const b of scripts) {
      const declared = /categories: \{([^\n]*)\}/.exec(b.code)?.[1] ?? ''
      for (const [, name] of b.code.matchAll(/categories\.(\w+)/g)) expect(declared, `${at(b)} checks categories.${name}`).toMatch(new RegExp(`\\b${name}:`))
    }
  })
})

describe('the map of the source tree', () => {
  test('names every folder of src/ and no other', () => {
    const tree = of('').find((b) => /^src\//m.test(b.code))!
    const listed = [...tree.code.matchAll(/^(src\/\w+)/gm)].map((m) => m[1]).sort()
    const real = readdirSync('src', { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join('src', e.name))
      .sort()
    expect(listed).toEqual(real)
  })
})
