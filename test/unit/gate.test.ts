// @vitest-environment-options {"settings":{"enableJavaScriptEvaluation":true,"suppressInsecureJavaScriptEnvironmentWarning":true,"navigation":{"disableChildFrameNavigation":true}}}
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { createGate, type Gate } from '../../src/effects/gate.js'

declare global {
  interface Window {
    ran: string[]
    marks: string[]
  }
}

// External scripts are served with a delay that makes the first one the slowest:
// if the gate did not wait for each, they would run out of order. The server is
// its own process because happy-dom may load scripts synchronously.
const SERVER = `
  require('node:http').createServer((req, res) => {
    const q = new URL(req.url, 'http://x').searchParams
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' })
      res.end('window.ran.push(' + JSON.stringify(q.get('name')) + ')')
    }, Number(q.get('delay') || 0))
  }).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`
let server: ChildProcess
let base: string
beforeAll(async () => {
  server = spawn(process.execPath, ['-e', SERVER])
  const port = await new Promise<string>((ok) => server.stdout!.once('data', (data) => ok(String(data).trim())))
  base = `http://127.0.0.1:${port}/s.js`
})
afterAll(() => void server.kill())

let gate: Gate | undefined
afterEach(() => {
  gate?.stop()
  document.body.innerHTML = ''
})

const allowed = new Set<string>()
const allows = (name: string) => name === 'necessary' || allowed.has(name)
/**
 * Appends a necessary (always allowed) gated script and waits until it ran: the gate
 * releases in document order, so by then it has passed every gated element before it.
 */
async function gatePassed(): Promise<void> {
  window.marks = []
  const mark = document.createElement('script')
  mark.type = 'text/plain'
  mark.setAttribute('data-category', 'necessary')
  mark.text = "window.marks.push('passed')"
  document.body.append(mark)
  await vi.waitFor(() => expect(window.marks).toEqual(['passed']))
}

function page(html: string) {
  window.ran = []
  allowed.clear()
  document.body.innerHTML = html
}

describe('script gating', () => {
  test('nothing gated runs before its category is allowed', async () => {
    page(`<script type="text/plain" data-category="analytics">window.ran.push('a')</script>`)
    gate = createGate(allows)
    await gate.release()
    expect(window.ran).toEqual([])
    expect(document.querySelector('script')!.type).toBe('text/plain')
  })

  test('necessary scripts run at once', async () => {
    page(`<script type="text/plain" data-category="necessary">window.ran.push('n')</script>`)
    gate = createGate(allows)
    await gate.release()
    expect(window.ran).toEqual(['n'])
  })

  test('on allow, scripts run once, in document order, external ones in sequence', async () => {
    page(`
      <script type="text/plain" data-category="analytics" src="${base}?name=ext1&delay=150"></script>
      <script type="text/plain" data-category="analytics">window.ran.push('inline2')</script>
      <script type="text/plain" data-category="analytics" data-src="${base}?name=ext3&delay=0"></script>
      <script type="text/plain" data-category="advertising">window.ran.push('ad')</script>`)
    gate = createGate(allows)
    allowed.add('analytics')
    await gate.release()
    await gate.release()
    expect(window.ran).toEqual(['ext1', 'inline2', 'ext3'])
  })

  test('a named service needs its own consent; the category alone does not release it', async () => {
    page(`<script type="text/plain" data-category="analytics" data-service="ga4">window.ran.push('ga4')</script>`)
    gate = createGate(allows)
    allowed.add('analytics')
    await gate.release()
    expect(window.ran).toEqual([])
    allowed.add('analytics:ga4')
    await gate.release()
    expect(window.ran).toEqual(['ga4'])
  })

  test('attributes carry over: nonce, async, defer, data-type="module"', async () => {
    page(`<script type="text/plain" data-category="analytics" data-type="module" defer async nonce="abc" id="x" data-src="${base}?name=m"></script>`)
    gate = createGate(allows, 'fallback')
    allowed.add('analytics')
    await gate.release()
    const script = document.getElementById('x') as HTMLScriptElement
    expect(script.type).toBe('module')
    expect(script.hasAttribute('defer')).toBe(true)
    expect(script.async).toBe(true)
    expect(script.nonce).toBe('abc')
    expect(script.src).toContain('name=m')
    await vi.waitFor(() => expect(window.ran).toEqual(['m']))
  })

  test('the configured nonce goes on scripts whose markup has none', async () => {
    page(`<script type="text/plain" data-category="analytics" id="x">1</script>`)
    gate = createGate(allows, 'n0nce')
    allowed.add('analytics')
    await gate.release()
    expect((document.getElementById('x') as HTMLScriptElement).nonce).toBe('n0nce')
  })

  test('gated scripts added after start are held back, then run when allowed', async () => {
    page('')
    gate = createGate(allows)
    const late = document.createElement('script')
    late.type = 'text/plain'
    late.setAttribute('data-category', 'analytics')
    late.text = "window.ran.push('late')"
    document.body.append(late)
    await gatePassed()
    expect(window.ran).toEqual([])
    allowed.add('analytics')
    await gate.release()
    expect(window.ran).toEqual(['late'])
  })

  test('gated scripts added after consent run without another release call', async () => {
    page('')
    allowed.add('analytics')
    gate = createGate(allows)
    document.body.insertAdjacentHTML('beforeend', `<div><script type="text/plain" data-category="analytics">window.ran.push('spa')</script></div>`)
    await vi.waitFor(() => expect(window.ran).toEqual(['spa']))
  })

  test('an inline module that ran leaves no listener on the window (an SPA releasing many keeps none)', async () => {
    page(['a', 'b', 'c'].map((n) => `<script type="text/plain" data-category="analytics" data-type="module">window.ran.push('${n}')</script>`).join(''))
    // The listeners the gate puts on the window to learn when a module ended, net of those it took off.
    const held = new Map<string, number>()
    const count = (type: string, by: number) => held.set(type, (held.get(type) ?? 0) + by)
    const add = window.addEventListener
    const remove = window.removeEventListener
    vi.spyOn(window, 'addEventListener').mockImplementation(function (this: Window, type, fn, options) {
      count(type, 1)
      add.call(this, type, fn, options)
    })
    vi.spyOn(window, 'removeEventListener').mockImplementation(function (this: Window, type, fn, options) {
      count(type, -1)
      remove.call(this, type, fn, options)
    })
    gate = createGate(allows)
    allowed.add('analytics')
    await gate.release()
    expect(window.ran).toEqual(['a', 'b', 'c'])
    // It did listen (one module at a time), and gave each listener back.
    expect(vi.mocked(window.addEventListener).mock.calls.filter(([type]) => type === 'consentry:ran')).toHaveLength(3)
    expect(Object.fromEntries([...held].filter(([, n]) => n))).toEqual({})
    vi.restoreAllMocks()
  })

  test('a release that comes after stop() releases nothing (a destroyed SDK runs no script)', async () => {
    page(`<script type="text/plain" data-category="analytics">window.ran.push('a')</script>`)
    gate = createGate(allows)
    allowed.add('analytics')
    gate.stop()
    await gate.release()
    expect(window.ran).toEqual([])
    expect(document.querySelector('script')!.type).toBe('text/plain')
  })

  test('iframes load their data-src only when allowed', async () => {
    page(`<iframe data-category="functional" data-service="youtube" data-src="about:blank#video"></iframe>`)
    gate = createGate(allows)
    await gate.release()
    const frame = document.querySelector('iframe')!
    expect(frame.getAttribute('src')).toBeNull()
    allowed.add('functional:youtube')
    await gate.release()
    expect(frame.getAttribute('src')).toBe('about:blank#video')
  })
})
