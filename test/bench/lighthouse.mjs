#!/usr/bin/env node
// Lighthouse leg of the browser benchmark (issue 31; not a test, never part of `npm test`):
// Lighthouse 12.2.3's default mobile run (simulated slow 4G, 4× CPU) of the same article page
// with no banner, vanilla-cookieconsent 3.1.0, Klaro 0.7.22 and Consentry (the blocking head
// tag, `defer`, and the after-paint loader of README.md "Loading modes"), pages alternating (A B C … A B C …), medians and ranges.
//
//   npm run bench:lighthouse                        # builds, then 5 runs per page
//   node test/bench/lighthouse.mjs [--runs 5] [--only none,consentry] [--dist path/to/dist]
//
// Metrics are defined in test/bench/README.md ("Lighthouse leg"). Each run's report goes to
// test/bench/.out/lighthouse/ (ignored by git). The run fails when Lighthouse reports an error
// for a page, or when a banner is the page's largest contentful paint.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { consentryPage, klaroPage, nonePage, texts, vanillaPage } from './browser-pages.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const OUT = join(root, 'test/bench/.out/lighthouse')
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    dist: { type: 'string', default: join(root, 'dist') },
  },
})
const RUNS = Number(opts.runs)
const DIST = resolve(opts.dist)
if (!existsSync(join(DIST, 'consentry.iife.js'))) {
  console.error(`${join(DIST, 'consentry.iife.js')} is missing: run \`npm run build\` first (npm run bench:lighthouse does).`)
  process.exit(1)
}

const t = texts(root)
const VARIANTS = [
  { id: 'none', html: nonePage() },
  { id: 'vanilla', html: vanillaPage(t) },
  { id: 'klaro', html: klaroPage(t) },
  { id: 'consentry', html: consentryPage() },
  // The modes README.md "Loading modes" allows without auto-blocking: `defer`, and the
  // after-paint loader it recommends (the SDK is requested after the first contentful paint).
  { id: 'consentry defer', html: consentryPage({ load: 'defer' }) },
  { id: 'consentry after-paint', html: consentryPage({ load: 'after-paint', root }) },
  // The same without `consentry validate --stamp`: a first visit fetches and runs the check chunk.
  { id: 'consentry after-paint unstamped', html: consentryPage({ load: 'after-paint', root, stamped: false }) },
].filter((v) => !opts.only || opts.only.split(',').includes(v.id))

// ---- server (as browser.mjs serves the same pages) ----------------------------------------
const MOUNTS = {
  '/dist/': DIST,
  '/vendor/vanilla/': join(root, 'node_modules/vanilla-cookieconsent/dist'),
  '/vendor/klaro/': join(root, 'node_modules/klaro/dist'),
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' }
// Gzip, as a site's server sends text: transfer bytes are what a visitor downloads.
const send = (req, res, type, body) => {
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...(gzip ? { 'content-encoding': 'gzip' } : {}) })
  res.end(gzip ? gzipSync(body, { level: 9 }) : body)
}
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname
  const variant = VARIANTS.find((v) => path === `/${encodeURIComponent(v.id)}`)
  if (variant) return send(req, res, TYPES['.html'], variant.html)
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!path.startsWith(prefix)) continue
    const file = join(dir, path.slice(prefix.length))
    if (!file.startsWith(dir) || !existsSync(file)) break
    return send(req, res, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file))
  }
  res.writeHead(404).end('not found')
})
await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
const origin = `http://127.0.0.1:${server.address().port}`

// ---- runs ---------------------------------------------------------------------------------
const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
})
mkdirSync(OUT, { recursive: true })
const METRICS = [
  { key: 'fcp', name: 'First Contentful Paint (ms)', audit: 'first-contentful-paint' },
  { key: 'lcp', name: 'Largest Contentful Paint (ms)', audit: 'largest-contentful-paint' },
  { key: 'tbt', name: 'Total Blocking Time (ms)', audit: 'total-blocking-time' },
  { key: 'main', name: 'main-thread work (ms)', audit: 'mainthread-work-breakdown' },
  { key: 'bytes', name: 'transfer bytes', audit: 'total-byte-weight' },
  { key: 'cls', name: 'Cumulative Layout Shift', audit: 'cumulative-layout-shift', digits: 3 },
  { key: 'dcl', name: 'DOMContentLoaded, observed (ms)', f: (lhr) => lhr.audits.metrics.details.items[0].observedDomContentLoaded },
]
const results = Object.fromEntries(VARIANTS.map((v) => [v.id, []]))
let failed = false
try {
  for (let run = 0; run < RUNS; run++) {
    for (const variant of VARIANTS) {
      const url = `${origin}/${encodeURIComponent(variant.id)}`
      const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] })
      if (lhr.runtimeError) {
        console.error(`${variant.id}, run ${run + 1}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
        failed = true
        continue
      }
      writeFileSync(join(OUT, `${variant.id.replace(/\W+/g, '-')}-${run + 1}.json`), JSON.stringify(lhr))
      const values = Object.fromEntries(METRICS.map((m) => [m.key, m.f ? m.f(lhr) : lhr.audits[m.audit].numericValue]))
      // The banner must never be what the page's LCP is about. (Lighthouse 12.2.3's element
      // gatherer fails on Chromium 156 — "RootCauses … frame_sequence" — then this says why.)
      const lcpAudit = lhr.audits['largest-contentful-paint-element']
      const lcpNode = lcpAudit?.details?.items?.[0]?.items?.[0]?.node
      values.lcpElement = lcpNode?.selector ?? lcpNode?.snippet ?? `unknown (${(lcpAudit?.errorMessage ?? 'no audit').slice(0, 60)}…)`
      if (/consentry|cookieconsent|cm__|klaro|cookie-notice/i.test(`${lcpNode?.selector} ${lcpNode?.snippet}`)) {
        console.error(`${variant.id}, run ${run + 1}: the banner is the LCP element (${values.lcpElement})`)
        if (variant.id.startsWith('consentry')) failed = true
      }
      results[variant.id].push(values)
      process.stdout.write('.')
    }
  }
} finally {
  await chrome.kill()
  server.close()
}
process.stdout.write('\n')

// ---- report -------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (x, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
console.log(`\nLighthouse ${lighthouse.version ?? '12.2.3'}, mobile preset (simulated slow 4G, 4× CPU), ${RUNS} runs per page alternating; median [min–max]\n`)
console.log(['metric', ...VARIANTS.map((v) => v.id)].join(' | '))
for (const m of METRICS) {
  const cells = VARIANTS.map((v) => {
    const xs = results[v.id].map((r) => r[m.key])
    if (!xs.length) return '–'
    return `${fmt(median(xs), m.digits)} [${fmt(Math.min(...xs), m.digits)}–${fmt(Math.max(...xs), m.digits)}]`
  })
  console.log([m.name, ...cells].join(' | '))
}
console.log(['LCP element (last run)', ...VARIANTS.map((v) => results[v.id].at(-1)?.lcpElement ?? '–')].join(' | '))
if (failed) process.exit(1)
