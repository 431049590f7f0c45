// Rollup plugin for the script-tag build: V8 compiles at load, off the main thread,
// exactly the functions a first view calls, and leaves the rest for later (test/bench/README.md).
//
// V8 compiles a function lazily, on the main thread when it is first called, unless a
// hint says it will be called at once. The file-wide hint (`//# allFunctionsCalledOnLoad`)
// also compiled the 40% of the bundle a first view never runs (the click path, Consent
// Mode, auto-blocking, the focus trap, the API's other methods), and that bytecode stayed
// in every page's heap. V8's per-function hint comment is not shipped, but its older
// heuristic is: a function expression or arrow function that directly follows an opening
// parenthesis is compiled eagerly ("PIFE", v8.dev/blog/preparser#pife; parser-base.h,
// `next_function_is_likely_called` and `could_be_immediately_invoked`).
//
// So, after terser, this plugin runs the bundle's first view in happy-dom under V8's own
// precise coverage (the page: an inline config, the banner shown), and wraps every
// function that ran in parentheses, however short: a lazy compile on the main thread costs
// about the same for a one-line arrow as for a long function (V8's function-event log of
// a first view in Chromium); marking them all, methods included, costs a few bytes of gzip
// (test/bench/README.md, "Figures behind design choices"). A function
// declaration cannot be wrapped; it becomes `var name = (function …)` at the top of its
// scope, where the declaration's binding would have been initialised, so nothing can see
// the difference. An object literal's plain method `m(…){…}` becomes `m:(function(…){…})`
// (no `super` inside, so nothing can tell them apart but `new`, which nothing calls).
// Which functions are eager changes only speed and heap, never behaviour: the browser
// tests run this output.

import { Session } from 'node:inspector/promises'
import MagicString from 'magic-string'
import { Window } from 'happy-dom'

/** The page the first view runs in: what the README's script-tag quick start shows. */
const CONFIG = { policyUrl: '/privacy', categories: { necessary: { required: true }, functional: {}, analytics: {}, advertising: {} } }
const PAGE = `<!doctype html><html lang="en"><head>
<script type="application/json" id="consentry-config">${JSON.stringify(CONFIG)}</script>
</head><body><main><p>Article</p></main>
<script type="text/plain" data-category="analytics">window.analytics = true</script>
</body></html>`

const COVERAGE_URL = 'consentry-first-view.js'

/** [start, end] offsets of every function of `code` that ran during a first view. */
export async function firstViewCalls(code) {
  const session = new Session()
  session.connect()
  const window = new Window({ url: 'https://example.com/', settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true } })
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false })
    window.document.write(PAGE)
    window.eval(`${code}\n//# sourceURL=${COVERAGE_URL}`)
    // The SDK starts in a microtask and shows the banner once its texts resolve.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const { result } = await session.post('Profiler.takePreciseCoverage')
    const script = result.find((s) => s.url === COVERAGE_URL)
    if (!script) throw new Error('eager-first-view: V8 coverage did not see the bundle run')
    return script.functions.filter((f) => f.ranges[0].count > 0).map((f) => [f.ranges[0].startOffset, f.ranges[0].endOffset])
  } finally {
    await session.post('Profiler.stopPreciseCoverage').catch(() => {})
    session.disconnect()
    await window.happyDOM.close()
  }
}

const isFunction = (node) => node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionDeclaration'

/** Every function node with its parent, and the set of function bodies. */
export function functions(ast) {
  const found = []
  const visit = (node, parent) => {
    if (isFunction(node)) found.push({ node, parent })
    for (const key in node) {
      const value = node[key]
      if (Array.isArray(value)) for (const child of value) child && typeof child.type === 'string' && visit(child, node)
      else if (value && typeof value.type === 'string') visit(value, node)
    }
  }
  visit(ast, null)
  return { found, bodies: new Set(found.map(({ node }) => node.body)) }
}

/**
 * Rewrites `code` so that the functions in `calls` are compiled eagerly. Accessors,
 * class members, async and generator methods stay as they are (a plain method is the only
 * member with a parenthesised equivalent); so do declarations in plain blocks, whose
 * hoisting differs in sloppy code.
 */
export function markEager(code, ast, calls) {
  const ran = new Set(calls.map(([start, end]) => `${start}:${end}`))
  const s = new MagicString(code)
  const { found, bodies } = functions(ast)
  let marked = 0
  for (const { node, parent } of found) {
    // Class members and accessors have no parenthesised form.
    if (parent && (parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition' || (parent.type === 'Property' && parent.kind !== 'init')))
      continue
    if (parent?.type === 'Property' && parent.method) {
      // `m(…){…}` → `m:(function(…){…})`. V8's range of a method starts at its name.
      if (node.async || node.generator || /\bsuper\b/.test(code.slice(node.start, node.end)) || !ran.has(`${parent.key.start}:${node.end}`)) continue
      s.appendLeft(node.start, ':(function')
      s.appendLeft(node.end, ')')
      marked++
      continue
    }
    if (!ran.has(`${node.start}:${node.end}`)) continue
    if (node.type === 'FunctionDeclaration') {
      if (!bodies.has(parent) || !node.id) continue
      // `function f(…){…}` → `var f=(function (…){…});` moved to where the scope starts
      // (after its directive prologue), so f holds the function before any statement runs.
      const directives = parent.body.filter((statement) => statement.directive)
      const at = directives.length ? directives[directives.length - 1].end : parent.start + 1
      let name = node.id.start
      while (/\s/.test(code[name - 1])) name--
      s.remove(name, node.id.end)
      s.prependRight(node.start, `var ${node.id.name}=(`)
      s.appendLeft(node.end, ');')
      if (at < node.start) s.move(node.start, node.end, at)
    } else {
      s.prependRight(node.start, '(')
      s.appendLeft(node.end, ')')
    }
    marked++
  }
  return { s, marked }
}

/** The plugin: put it after terser in the script-tag build's output plugins. */
export function eagerFirstView() {
  return {
    name: 'eager-first-view',
    async renderChunk(code) {
      const calls = await firstViewCalls(code)
      const { s, marked } = markEager(code, this.parse(code), calls)
      if (!marked) this.error('eager-first-view: no function of the first view was found to mark')
      return { code: s.toString(), map: s.generateMap({ hires: true }) }
    },
  }
}
