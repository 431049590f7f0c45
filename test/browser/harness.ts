// Real Chromium (Debian's /usr/bin/chromium, never a downloaded browser) driven by
// playwright-core, and a local server for test pages plus the built dist/.

import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

// The same quiet headless flags as the scanner's browser (one list).
import { CHROMIUM_ARGS } from '../../src/scan/chromium.js'

const DIST = join(process.cwd(), 'dist')
if (!existsSync(join(DIST, 'consentry.iife.js'))) {
  throw new Error('dist/consentry.iife.js is missing: run `npm run build` before the browser tests')
}

export function launch(args: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...args] })
}

export type Route = string | { body: string; type?: string; status?: number; headers?: Record<string, string>; delay?: number }
export type Handler = (req: IncomingMessage, body: string) => Route | undefined

export interface Site {
  url: string
  origin: string
  routes: Map<string, Route>
  /** Every request path the server saw, in order. */
  requests: string[]
  handle?: Handler
  close(): Promise<void>
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json' }

/** Serves `routes` (path → content) and /dist/* from disk on 127.0.0.1. */
export async function site(routes: Record<string, Route> = {}, handle?: Handler): Promise<Site> {
  const table = new Map(Object.entries(routes))
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname
      requests.push(req.method === 'GET' ? path : `${req.method} ${path}`)
      let route = result.handle?.(req, body) ?? table.get(path)
      if (route === undefined && path.startsWith('/dist/')) {
        const file = join(DIST, path.slice(6))
        if (file.startsWith(DIST) && existsSync(file)) route = { body: readFileSync(file, 'utf8'), type: TYPES[extname(file)] }
      }
      if (route === undefined) {
        res.writeHead(404).end('not found')
        return
      }
      const r = typeof route === 'string' ? { body: route } : route
      const send = () =>
        res
          .writeHead(r.status ?? 200, {
            'content-type': r.type ?? TYPES[extname(path)] ?? 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            ...r.headers,
          })
          .end(r.body)
      if (r.delay) setTimeout(send, r.delay)
      else send()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const result: Site = {
    url: origin + '/',
    origin,
    routes: table,
    requests,
    handle,
    close: () => new Promise((ok) => server.close(() => ok())),
  }
  return result
}

export interface Session {
  browser: Browser
  /** This test file's local site. */
  server: Site
  /** Fresh for each test. */
  context: BrowserContext
  page: Page
  /** What the page threw during the test. */
  errors: string[]
}

/**
 * The lifecycle every browser test file shares: one Chromium and one local site
 * per file, a fresh context and page per test. Read the fields inside tests.
 */
export function useChromium(serve: () => Promise<Site>, args: string[] = []): Session {
  const session = {} as Session
  beforeAll(async () => {
    session.browser = await launch(args)
    session.server = await serve()
  })
  afterAll(async () => {
    await session.browser?.close()
    await session.server?.close()
  })
  beforeEach(async () => {
    session.context = await session.browser.newContext()
    await session.context.addInitScript(recordEvents)
    session.page = await session.context.newPage()
    session.errors = errors(session.page)
  })
  afterEach(() => session.context?.close())
  return session
}

/** A receipt endpoint for tests: keeps each POST body in `into` and answers 201. */
export const receiptSink =
  (into: string[]): Handler =>
  (req, body) => {
    if (req.method !== 'POST') return undefined
    into.push(body)
    return { body: '{}', type: 'application/json', status: 201 }
  }

/** A page whose <head> starts with the script tag (`sdk`, the plain build by default) and an inline config. */
export function page(config: unknown, body: string, head = '', sdk = '/dist/consentry.iife.js'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test page</title>
<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>
<script src="${sdk}"></script>${head}</head>
<body><main><h1>Test page</h1><p>Some content.</p></main>
<script>window.ran = []</script>
${body}</body></html>`
}

/** The page's errors, collected so a test can assert there were none. */
export function errors(p: Page): string[] {
  const list: string[] = []
  p.on('pageerror', (error) => list.push(error.message))
  return list
}

export const ran = (p: Page): Promise<string[]> => p.evaluate(() => (window as unknown as { ran: string[] }).ran)

/** Playwright pierces open shadow roots with CSS selectors. */
export const banner = (p: Page) => p.locator('#consentry-root [part~="banner"]')
export const action = (p: Page, name: string) => p.locator(`#consentry-root [data-action="${name}"]`)

/** Keeps the names of the SDK's window events (`consentry:ready`, `consentry:change`) from the page's start. */
function recordEvents(): void {
  const w = window as unknown as { consentryEvents: string[] }
  w.consentryEvents = []
  for (const name of ['ready', 'change']) addEventListener(`consentry:${name}`, () => w.consentryEvents.push(name))
}

/**
 * Resolves once this page view's SDK fired `consentry:ready`: its first layer is mounted
 * (or not, when no choice is asked for), drawn in step with the state from then on.
 */
export async function whenReady(p: Page): Promise<void> {
  await p.waitForFunction(() => (window as unknown as { consentryEvents?: string[] }).consentryEvents?.includes('ready'))
}

/**
 * Resolves once the gate has dealt with everything inserted or allowed before this call:
 * a `necessary` (always allowed) gated script goes in at the end of <body>, and the gate
 * releases in document (or, with auto-blocking, insertion) order, one pass after the other,
 * waiting for each external script. So when this one has run, every gated element before
 * it was released and ran, or was held back. The positive signal a "nothing ran" needs.
 */
export async function gateSettled(p: Page): Promise<void> {
  const id = await p.evaluate(() => {
    const w = window as unknown as { gateMarks?: string[] }
    w.gateMarks ??= []
    const mark = `mark-${w.gateMarks.length}-${Math.random()}`
    const script = document.createElement('script')
    script.type = 'text/plain'
    script.setAttribute('data-category', 'necessary')
    script.text = `window.gateMarks.push(${JSON.stringify(mark)})`
    document.body.append(script)
    return mark
  })
  await p.waitForFunction((mark) => (window as unknown as { gateMarks: string[] }).gateMarks.includes(mark), id)
}

let axeSource: string | undefined
/** axe-core's WCAG 2.2 AA violations for the whole page, open shadow roots included, one line each. */
export async function axeViolations(p: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  await p.addScriptTag({ content: axeSource })
  const result = await p.evaluate(() => (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } }))
  return result.violations.map((v: any) => `${v.id}: ${v.help} — ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`)
}

/** What has focus, through open shadow roots: the first of the attributes `names` it carries, else its tag name. */
export const focusedAs = (p: Page, ...names: string[]): Promise<string | null> =>
  p.evaluate((names) => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    if (!el) return null
    for (const name of names) {
      const value = el.getAttribute(name)
      if (value) return value
    }
    return el.tagName
  }, names)
