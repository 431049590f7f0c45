// GET /dashboard: the site owner's console (docs/collector.md, "Console"). Static files built
// from src/dashboard into dist/dashboard/, served under a strict CSP: scripts and styles only
// from these files, data only from this collector. The page asks for the admin token itself.

import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Hono } from 'hono'

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
}

/** The files the console is made of; nothing else is served from the folder. */
const DASHBOARD_FILES = ['index.html', 'console.js', 'console.css', 'uPlot.min.css']

const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * Where the built files are: beside the bundle (dist/server.mjs), one level up from a shared
 * chunk (dist/chunks/), or in dist/ when the collector runs from its TypeScript source (tests).
 */
function findFolder(): string | undefined {
  for (const relative of ['./dashboard/', '../dashboard/', '../../dist/dashboard/']) {
    const folder = fileURLToPath(new URL(relative, import.meta.url))
    // console.js, not index.html: src/dashboard/ (the sources, one level up from src/server/)
    // has the page but not the built script.
    if (existsSync(folder + 'console.js')) return folder
  }
  return undefined
}

export function mountDashboard(app: Hono, folder: string | undefined = findFolder()): void {
  const cache = new Map<string, Buffer>()
  const serveFile = (name: string) => {
    if (!folder) {
      return new Response(JSON.stringify({ error: 'unavailable', detail: 'the console is not built: run `npm run build` (it makes dist/dashboard/)' }), {
        status: 503,
        headers: { 'Content-Type': 'application/json' },
      })
    }
    let body = cache.get(name)
    if (!body) cache.set(name, (body = readFileSync(folder + name)))
    return new Response(new Uint8Array(body), {
      headers: {
        'Content-Type': TYPES[name.slice(name.lastIndexOf('.') + 1)]!,
        'Content-Security-Policy': DASHBOARD_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      },
    })
  }
  app.get('/dashboard', () => serveFile('index.html'))
  app.get('/dashboard/', (c) => c.redirect('../dashboard', 301))
  app.get('/dashboard/:file', (c) => {
    const name = c.req.param('file')
    // The page's relative links assume /dashboard (no trailing slash).
    if (name === '' || name === 'index.html') return c.redirect('../dashboard', 301)
    if (!DASHBOARD_FILES.includes(name)) return c.json({ error: 'not-found', detail: `no console file ${JSON.stringify(name)}` }, 404)
    return serveFile(name)
  })
}
