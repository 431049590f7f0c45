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
// Either becomes an arrow where nothing could tell (no `this`, `arguments` or `new`), and the
// declarations of one scope share one `var`: the marks cost fewer of the first view's bytes.
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
 * hoisting differs in sloppy code. A function that nothing could tell from an arrow (no
 * `this`, `arguments`, `super` or `new.target` in it, never constructed) becomes one: the same
 * call in fewer bytes, so marking costs less of the first view's budget.
 */
export function markEager(code, ast, calls) {
  const ran = new Set(calls.map(([start, end]) => `${start}:${end}`))
  const s = new MagicString(code)
  const { found, bodies } = functions(ast)
  /** Per scope body: the declarations to turn into one `var`, and where it goes. */
  const scopes = new Map()
  let marked = 0
  for (const { node, parent } of found) {
    // Class members and accessors have no parenthesised form.
    if (parent && (parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition' || (parent.type === 'Property' && parent.kind !== 'init')))
      continue
    if (parent?.type === 'Property' && parent.method) {
      // `m(…){…}` → `m:(function(…){…})`, or `m:((…)=>{…})`. V8's range of a method starts at its name.
      if (node.async || node.generator || /\bsuper\b/.test(code.slice(node.start, node.end)) || !ran.has(`${parent.key.start}:${node.end}`)) continue
      if (arrowable(code, node)) {
        s.appendLeft(node.start, ':(')
        s.appendLeft(node.body.start, '=>')
      } else s.appendLeft(node.start, ':(function')
      s.appendLeft(node.end, ')')
      marked++
      continue
    }
    if (!ran.has(`${node.start}:${node.end}`)) continue
    marked++
    if (node.type !== 'FunctionDeclaration') {
      s.prependRight(node.start, '(')
      s.appendLeft(node.end, ')')
      continue
    }
    if (!bodies.has(parent) || !node.id) {
      marked--
      continue
    }
    if (!scopes.has(parent)) {
      // Where the scope starts, after its directive prologue.
      const directives = parent.body.filter((statement) => statement.directive)
      scopes.set(parent, { at: directives.length ? directives[directives.length - 1].end : parent.start + 1, moved: [], stays: [] })
    }
    const scope = scopes.get(parent)
    // `function f(…){…}` → `f=(function(…){…})` or `f=((…)=>{…})`, moved to where the scope
    // starts, so f holds the function before any statement runs.
    const { name } = node.id
    let from = node.id.start
    while (/\s/.test(code[from - 1])) from--
    s.remove(from, node.id.end)
    const constructed = new RegExp(`\\bnew ${name.replaceAll('$', '\\$')}\\b|\\b${name.replaceAll('$', '\\$')}\\.prototype\\b`).test(code)
    if (arrowable(code, node) && !constructed) {
      s.remove(node.start, node.start + (node.async ? 'async function' : 'function').length)
      s.appendLeft(node.body.start, '=>')
      scope.arrows ??= new Set()
      scope.arrows.add(node)
    }
    ;(scope.at < node.start ? scope.moved : scope.stays).push(node)
  }
  // Each scope's declarations become one `var a=(…),b=(…);`. Moved ones land at the scope's
  // start in the order moved, before a declaration already there (the first statement).
  for (const { at, moved, stays, arrows } of scopes.values()) {
    const order = [...moved, ...stays]
    order.forEach((node, i) => {
      const arrow = arrows?.has(node)
      s.prependRight(node.start, `${i ? '' : 'var '}${node.id.name}=(${arrow && node.async ? 'async' : ''}`)
      s.appendLeft(node.end, i < order.length - 1 ? '),' : ');')
    })
    for (const node of moved) s.move(node.start, node.end, at)
  }
  return { s, marked }
}

/** Whether a plain function can be an arrow: no this, arguments, new.target or super in it, no generator. */
const arrowable = (code, node) => !node.generator && !/\b(this|arguments|new\.target|super)\b/.test(code.slice(node.start, node.end))

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
