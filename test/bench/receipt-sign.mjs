// Benchmark (not a test): time to build and sign one receipt in Chromium once the
// key exists — buildPayload + signReceipt from src/receipts, bundled with esbuild.
// Run: npm run bench:receipts

import { build } from 'esbuild'
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'

const entry = `
import { buildPayload } from './src/receipts/build.ts'
import { signReceipt } from './src/receipts/sign.ts'
import { thumbprint } from './src/receipts/digest.ts'
window.bench = async (runs) => {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const jwk = { kty, crv, x, y }
  const key = { privateKey: pair.privateKey, jwk, kid: await thumbprint(jwk), persistent: true }
  const context = { config: 'c'.repeat(43), texts: { lang: 'en', sha256: 't'.repeat(43) }, gpc: false, origin: location.origin, sdk: 'bench' }
  const times = []
  for (let i = 0; i < runs; i++) {
    const note = { jti: crypto.randomUUID(), sub: 'AbCdEfGhIjKlMnOpQrStUv', at: Date.now(), event: 'updated', source: 'api',
      categories: { necessary: true, functional: i % 2 === 0, analytics: true, advertising: false },
      services: { 'analytics:ga4': true, 'functional:youtube': i % 2 === 0 }, revision: 1, continued: true }
    const t0 = performance.now()
    await signReceipt(buildPayload(note, context, { seq: i + 2, prev: 'p'.repeat(43) }), key)
    times.push(performance.now() - t0)
  }
  return times
}`

const bundle = await build({ stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' }, bundle: true, write: false, format: 'iife' })
const page = `<!doctype html><html><body><script>${bundle.outputFiles[0].text}</script></body></html>`
const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page))
await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const tab = await browser.newPage()
await tab.goto(`http://127.0.0.1:${server.address().port}/`)
await tab.evaluate(() => window.bench(50)) // warm-up
const times = (await tab.evaluate(() => window.bench(500))).sort((a, b) => a - b)
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))]
console.log(`build + sign one receipt in Chromium ${browser.version()} (${times.length} runs, key already there):`)
console.log(`  mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(3)} ms (performance.now() is coarsened to 0.1 ms in Chromium)`)
console.log(`  median ${at(0.5).toFixed(2)} ms   p90 ${at(0.9).toFixed(2)} ms   min ${times[0].toFixed(2)} ms   max ${times.at(-1).toFixed(2)} ms`)
await browser.close()
server.close()
