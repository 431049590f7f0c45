// What one phase's browser profile holds and did: cookies (from the browser's cookie
// jar after each page, with who set them), localStorage and sessionStorage keys of
// every frame, and the hosts it sent requests to.

import type { BrowserContext, Page } from 'playwright-core'
import { withTimeout } from './time.js'
import type { Phase, SetBy } from './types.js'

export interface RawCookie {
  name: string
  domain: string
  path: string
  /** Seconds since the epoch; -1 for a session cookie (Playwright's convention). */
  expires: number
  httpOnly: boolean
  secure: boolean
  sameSite: 'Strict' | 'Lax' | 'None'
}

interface RawStorage {
  kind: 'localStorage' | 'sessionStorage'
  key: string
  origin: string
}

export interface PhaseRecord {
  phase: Phase
  /** By name, domain and path; the latest attributes seen. */
  cookies: Map<string, RawCookie>
  /** The first thing that set each cookie name in this phase. */
  setBy: Map<string, SetBy>
  storage: Map<string, RawStorage>
  /** Requests per host (every host: first and third party). */
  hosts: Map<string, number>
}

const BINDING = '__consentryScanCookie'

/**
 * Runs in every frame before the page's own scripts: reports each cookie a script
 * writes through `document.cookie` or `cookieStore.set`, with the URL of the script
 * that wrote it: the frame that called the setter (stack lines: the error, report(),
 * the setter, the caller). A caller without a URL is inline code — a script element
 * a page or tag manager inserted with text, or eval — and is reported as the page's.
 * Then the write goes on unchanged.
 */
const HOOK = `(() => {
  const report = (name) => {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 10
    const caller = String(new Error().stack || '').split('\\n')[3] || ''
    Error.stackTraceLimit = limit
    const m = /(https?:\\/\\/[^\\s()]+?):\\d+:\\d+\\)?\\s*$/.exec(caller)
    const send = globalThis.${BINDING}
    if (typeof send === 'function') Promise.resolve(send(String(name), m ? m[1] : location.href)).catch(() => {})
  }
  const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')
  if (d && d.set) Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: d.enumerable,
    get() { return d.get.call(this) },
    set(value) {
      try { report(String(value).split(';')[0].split('=')[0].trim()) } catch {}
      d.set.call(this, value)
    },
  })
  const store = globalThis.CookieStore && CookieStore.prototype
  if (store && store.set) {
    const set = store.set
    Object.defineProperty(store, 'set', { configurable: true, writable: true, value: function (a) {
      try { report(typeof a === 'string' ? a : a && a.name) } catch {}
      return set.apply(this, arguments)
    } })
  }
})()`

/** The cookie's name in a `Set-Cookie` header line. */
const setCookieName = (line: string): string => {
  const pair = line.split(';')[0]
  return pair.includes('=') ? pair.slice(0, pair.indexOf('=')).trim() : ''
}

export interface Recorder {
  record: PhaseRecord
  /** Takes the cookie jar and every frame's storage keys, within `ms`. */
  snapshot(page: Page, ms: number): Promise<void>
  /** Waits (within `ms`) for response headers still being read. */
  settle(ms: number): Promise<void>
}

export async function recorder(context: BrowserContext, phase: Phase): Promise<Recorder> {
  const record: PhaseRecord = { phase, cookies: new Map(), setBy: new Map(), storage: new Map(), hosts: new Map() }
  const first = (name: string, setBy: SetBy) => {
    if (!record.setBy.has(name)) record.setBy.set(name, setBy)
  }
  await context.exposeBinding(BINDING, (_source, name: string, url: string) => first(name, { via: 'script', url }))
  await context.addInitScript({ content: HOOK })

  context.on('request', (request) => {
    let host: string
    try {
      const url = new URL(request.url())
      if (!/^https?:$/.test(url.protocol)) return
      host = url.hostname
    } catch {
      return
    }
    record.hosts.set(host, (record.hosts.get(host) ?? 0) + 1)
  })
  const pending = new Set<Promise<void>>()
  context.on('response', (response) => {
    const job = response
      .headerValues('set-cookie')
      .then((lines) => {
        for (const line of lines.flatMap((l) => l.split('\n'))) if (line.trim()) first(setCookieName(line), { via: 'header', url: response.url() })
      })
      .catch(() => undefined)
      .finally(() => pending.delete(job))
    pending.add(job)
  })

  return {
    record,
    async snapshot(page, ms) {
      for (const c of await withTimeout(context.cookies(), ms, [])) {
        record.cookies.set(`${c.name}\0${c.domain}\0${c.path}`, {
          name: c.name,
          domain: c.domain,
          path: c.path,
          expires: c.expires,
          httpOnly: c.httpOnly,
          secure: c.secure,
          sameSite: c.sameSite,
        })
      }
      // Every frame at once, each within the same bound: a frame that hangs delays no other.
      const frames = await Promise.all(
        page.frames().map((frame) =>
          withTimeout(
            frame.evaluate(() => {
              const out: [string, string][] = []
              for (const kind of ['localStorage', 'sessionStorage'] as const) {
                try {
                  const store = window[kind]
                  for (let i = 0; i < store.length; i++) out.push([kind, store.key(i)!])
                } catch {
                  // storage denied in this frame (sandboxed iframe, opaque origin)
                }
              }
              return { origin: location.origin, keys: out }
            }),
            ms,
            undefined,
          ),
        ),
      )
      for (const found of frames) {
        if (!found || found.origin === 'null') continue
        for (const [kind, key] of found.keys)
          record.storage.set(`${kind}\0${found.origin}\0${key}`, { kind: kind as RawStorage['kind'], key, origin: found.origin })
      }
    },
    async settle(ms) {
      await withTimeout(Promise.all([...pending]), ms, [])
    },
  }
}
