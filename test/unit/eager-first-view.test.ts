// @vitest-environment node
// The script-tag build marks the functions a first view calls for eager compilation
// (scripts/eager-first-view.mjs): V8 compiles those while it streams the file,
// and the rest only when first called. Which functions are marked changes speed and heap
// only, so these tests check that the right ones are marked and that nothing else changes.
import { existsSync, readFileSync } from 'node:fs'
import { parseAst } from 'rollup/parseAst'
import { Window } from 'happy-dom'
import { expect, test } from 'vitest'
import { firstViewCalls, functions, markEager } from '../../scripts/eager-first-view.mjs'

type Node = { type: string; start: number; end: number; [key: string]: unknown }

/** Runs `code` in a fresh page and returns what it left on window. */
async function run(code: string): Promise<Record<string, unknown>> {
  const window = new Window({ url: 'https://example.com/' })
  window.eval(code)
  const { result, later } = window as unknown as Record<string, unknown>
  const out = { result, later: typeof later === 'function' ? (later as () => unknown)() : undefined }
  await window.happyDOM.close()
  return out
}

async function mark(code: string): Promise<string> {
  const { s } = markEager(code, parseAst(code), await firstViewCalls(code))
  return s.toString()
}

// A body to tell the functions apart in the output.
const BODY = 'const twice=a*2,thrice=a*3,square=a*a;return twice+thrice+square-a*5'

test('what runs on load is parenthesised, what runs later stays lazy, and both still work', async () => {
  // As terser writes an IIFE: `!function(){…}()`.
  const code = `!function(){
function used(a){${BODY}}
function unused(a){${BODY}}
function Made(a){this.a=a}
function counts(){return arguments.length}
const arrow=(a)=>{${BODY}}, idle=(a)=>{${BODY}}, tiny=(a)=>a, lazy=(a)=>a
window.result=arrow(1)+used(1)+tiny(1)+new Made(2).a+counts(1,2)
window.later=()=>unused(2)+idle(2)+lazy(0)
}()`
  const marked = await mark(code)
  // Declarations that ran become one \`var\` at the top of their scope; each is an arrow
  // unless something could tell (this, arguments, new).
  expect(marked).toContain(`var used=((a)=>{${BODY}}),Made=(function(a){this.a=a}),counts=(function(){return arguments.length});`)
  expect(marked).toContain(`const arrow=((a)=>{${BODY}})`)
  expect(marked).toContain(`function unused(a){${BODY}}`)
  expect(marked).toContain(`idle=(a)=>{${BODY}}`)
  // However short: a lazy compile costs about the same for one line.
  expect(marked).toContain('tiny=((a)=>a)')
  expect(marked).toContain('lazy=(a)=>a\n')
  expect(await run(marked)).toEqual(await run(code))
  expect(await run(marked)).toEqual({ result: 7, later: 8 })
})

test("an object literal's plain method that runs on load becomes a parenthesised function (an arrow without this); accessors, async methods and methods using super stay", async () => {
  const code = `!function(){
const base={twice(a){return a*2}}
const o={__proto__:base,
used(a){${BODY}},
self(){return this===o},
unused(a){${BODY}},
get value(){return 1},
async later(a){${BODY}},
viaSuper(a){return super.twice(a)}}
window.result=[o.used(1),o.value,o.viaSuper(2),o.self()]
window.later=()=>o.unused(2)
}()`
  const marked = await mark(code)
  expect(marked).toContain(`used:((a)=>{${BODY}})`)
  expect(marked).toContain('self:(function(){return this===o})')
  expect(marked).toContain(`unused(a){${BODY}}`)
  expect(marked).toContain('get value(){return 1}')
  expect(marked).toContain(`async later(a){${BODY}}`)
  expect(marked).toContain('viaSuper(a){return super.twice(a)}')
  expect(await run(marked)).toEqual(await run(code))
  expect(await run(marked)).toEqual({ result: [1, 1, 4, true], later: 4 })
})

test('a declaration called before its place in the source still works, after the directive prologue', async () => {
  const code = `!function(){"use strict";
window.result=[f(1), typeof g];
function f(a){const strict=this===undefined;${BODY.replace('return ', 'return strict&&')}}
function g(){}
}()`
  const marked = await mark(code)
  expect(marked.startsWith('!(function(){"use strict";var f=(function(a){')).toBe(true)
  expect(await run(marked)).toEqual({ result: [1, 'function'], later: undefined })
})

test('in the script-tag build, every function a first view calls is marked, and no file-wide hint compiles the rest', async () => {
  expect(existsSync('dist/consentry.iife.js'), 'run `npm run build` first').toBe(true)
  const code = readFileSync('dist/consentry.iife.js', 'utf8')
  expect(code).not.toContain('allFunctionsCalledOnLoad')
  const calls = await firstViewCalls(code)
  const { found: all } = functions(parseAst(code))
  const nodes = new Map(all.map(({ node }: { node: Node }) => [`${node.start}:${node.end}`, node]))
  let marked = 0
  for (const [start, end] of calls) {
    const found = nodes.get(`${start}:${end}`)
    // Not found: the script's own top level, and methods (V8's range of a method starts at
    // its name, the AST's at its parameters; a plain one is rewritten, checked below).
    if (!found) continue
    expect(found.type, code.slice(start, start + 60)).not.toBe('FunctionDeclaration')
    expect(code[start - 1], code.slice(start - 20, start + 60)).toBe('(')
    marked++
  }
  // The first view calls most of the SDK's start-up, but not the click path and the rest.
  expect(marked).toBeGreaterThan(60)
  // nanostores' store methods run on every page view.
  expect(code).toMatch(/set:\(\(\w\)=>\{let \w=\w\.value;/)
  expect(nodes.size - calls.length).toBeGreaterThan(60)
})
