// The cookie scanner's test site (test/browser/scan.test.ts), served on 127.0.0.1 by the
// test itself, with a "third party" on thirdparty.test that Chromium resolves to
// 127.0.0.1 (--host-resolver-rules), so nothing leaves the machine.
//
// shop (well behaved: every page has the real Consentry banner, dist/consentry.iife.js):
//   /       Set-Cookie PHPSESSID (HttpOnly); an inline script stores localStorage "theme";
//           gated: analytics → thirdparty.test/analytics.js (_ga, _ga_ABC123 by script),
//           advertising → inline _fbp; links to /about, /shop, an external page, a PDF
//   /about  an inline script sets "lang" and sessionStorage "tour_step"
//   /shop   Set-Cookie "cart" on path /shop
// legacy (the same pages, a sitemap.xml, and /legacy, which misbehaves: it loads
//   analytics.js ungated, stores "ajs_anonymous_id" and sets an undeclared XSRF-TOKEN)

import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export type Handler = (req: IncomingMessage, res: ServerResponse) => void

export interface Server {
  origin: string
  port: number
  /** Request paths in order. */
  requests: string[]
  close(): Promise<void>
}

/** A server for `routes` (path → handler); 404 elsewhere. Closing cuts open connections (a hanging page). */
export async function serve(routes: Record<string, Handler>): Promise<Server> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    requests.push(path)
    const route = routes[path] ?? Object.entries(routes).find(([p]) => p.endsWith('*') && path.startsWith(p.slice(0, -1)))?.[1]
    if (route) route(req, res)
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as AddressInfo).port
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

export const html =
  (body: string, headers: Record<string, string | string[]> = {}): Handler =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(body)

const js =
  (body: string): Handler =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(body)

const file =
  (path: string, type: string): Handler =>
  (_req, res) => {
    const body = readFileSync(path)
    res.writeHead(200, { 'content-type': type }).end(body)
  }

/** The third party: an analytics script that sets Google Analytics' cookies on the page's site. */
const ANALYTICS = `document.cookie = "_ga=GA1.1.1234567890.1700000000; max-age=63072000; path=/"
document.cookie = "_ga_ABC123=GS1.1.1700000000.1.0.1700000000.0.0.0; max-age=63072000; path=/"`

export const thirdPartyRoutes: Record<string, Handler> = {
  '/analytics.js': js(ANALYTICS),
  // The same, from a slow server: it answers a second after the request.
  '/slow-analytics.js': (req, res) => void setTimeout(() => js(ANALYTICS)(req, res), 1000),
}

/** The declaration of the shop: every cookie it sets, and one (_gcl_au) it never does. */
export const shopConfig = {
  revision: 1,
  mode: 'opt-in',
  categories: {
    necessary: {
      required: true,
      services: {
        site: {
          title: 'This shop',
          description: 'Keeps your session, your language and your cart.',
          cookies: ['PHPSESSID', 'lang', { name: 'cart', purpose: 'Remembers what is in your cart', duration: '1 hour' }],
          storage: ['theme', 'tour_step'],
        },
      },
    },
    analytics: {
      services: {
        stats: { title: 'Stats', provider: 'Google Ireland Ltd', description: 'Counts visits.', cookies: ['_ga', '/^_ga_/'], domains: ['thirdparty.test'] },
      },
    },
    advertising: {
      services: {
        pixel: { title: 'Ad pixel', provider: 'Meta Platforms Ireland Ltd', description: 'Measures whether ads lead to visits.', cookies: ['_fbp', '_gcl_au'] },
      },
    },
  },
}

const head = `<meta charset="utf-8"><title>Shop</title>
<script src="/dist/consentry.iife.js" data-config="/consent.json"></script>`

const gated = (thirdParty: string) => `
<script type="text/plain" data-category="analytics" data-service="stats" src="${thirdParty}/analytics.js"></script>
<script type="text/plain" data-category="advertising" data-service="pixel">document.cookie = "_fbp=fb.1.1700000000.42; max-age=7776000; path=/"</script>`

const pageHtml = (thirdParty: string, title: string, body: string) =>
  `<!doctype html><html lang="en"><head>${head}</head><body><main><h1>${title}</h1>${body}</main>${gated(thirdParty)}</body></html>`

const DIST = join(process.cwd(), 'dist')

/** The shop's routes; `legacy` adds the misbehaving page and a sitemap. */
export function shopRoutes(thirdParty: string, legacy = false): Record<string, Handler> {
  const nav = `<nav><a href="/about">About</a> <a href="/shop#top">Shop</a> ${legacy ? '<a href="/legacy">Old page</a>' : ''}
<a href="${thirdParty}/elsewhere">Partner</a> <a href="/terms.pdf">Terms (PDF)</a> <a href="mailto:shop@example.com">Mail</a></nav>`
  const routes: Record<string, Handler> = {
    '/': html(pageHtml(thirdParty, 'Home', `${nav}<script>localStorage.setItem('theme', 'dark')</script>`), {
      'set-cookie': 'PHPSESSID=abc123; Path=/; HttpOnly; SameSite=Lax',
    }),
    '/about': html(
      pageHtml(thirdParty, 'About', `${nav}<script>document.cookie = "lang=en; path=/; max-age=31536000"; sessionStorage.setItem('tour_step', '1')</script>`),
    ),
    '/shop': html(pageHtml(thirdParty, 'Shop', nav), { 'set-cookie': 'cart=1; Path=/shop; Max-Age=3600' }),
    '/consent.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(shopConfig)),
    '/dist/*': (req, res) => {
      const name = new URL(req.url!, 'http://x').pathname.slice('/dist/'.length)
      if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end()
      try {
        file(join(DIST, name), name.endsWith('.json') ? 'application/json' : 'text/javascript')(req, res)
      } catch {
        res.writeHead(404).end()
      }
    },
  }
  if (legacy) {
    routes['/legacy'] = html(
      `<!doctype html><html lang="en"><head>${head}</head><body><main><h1>Old page</h1>${nav}</main>
<script src="${thirdParty}/analytics.js"></script>
<script>localStorage.setItem('ajs_anonymous_id', '"4f1c"')</script></body></html>`,
      { 'set-cookie': 'XSRF-TOKEN=t0k3n; Path=/; SameSite=Strict' },
    )
    // In another order than the links: the scan follows the sitemap when there is one.
    routes['/sitemap.xml'] = (req, res) => {
      const origin = `http://${req.headers.host}`
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${origin}/</loc></url><url><loc>${origin}/legacy</loc></url><url><loc>${origin}/shop</loc></url><url><loc>${origin}/about</loc></url>
  <url><loc>https://elsewhere.test/</loc></url>
</urlset>`)
    }
  }
  return routes
}
