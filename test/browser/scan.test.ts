// `consentry scan` against a test site served here (test/browser/scan-site.ts) in real
// Chromium: exact cookies, storage keys and hosts per phase with their Open Cookie
// Database matches, the violations, exit codes, JSON shape, Markdown, the draft that
// `consentry validate` accepts, and the bounds (thousands of links, a page that never
// settles, the total time limit, an unreachable URL, a TLS error, no playwright-core).

import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { run } from '../../src/cli/main.js'
import { formatMarkdown, formatText } from '../../src/scan/format.js'
import type { Phase, ScanReport } from '../../src/scan/types.js'
import { html, serve, shopConfig, shopRoutes, thirdPartyRoutes, type Server } from './scan-site.js'

const RESOLVE = '--chromium-arg=--host-resolver-rules=MAP thirdparty.test 127.0.0.1'
const BIN = join(process.cwd(), 'dist/consentry-cli.mjs')
const dir = mkdtempSync(join(tmpdir(), 'consentry-scan-'))
const CONFIG = join(dir, 'consent.json')
writeFileSync(CONFIG, JSON.stringify(shopConfig, null, 2))

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** `consentry scan …` in this process (the CLI's own run()), so the test's servers keep answering. */
async function scan(...args: string[]): Promise<Result> {
  const out: string[] = []
  const err: string[] = []
  const code = await run(['scan', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), read: (f) => readFileSync(f, 'utf8') })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

/** A built bin in a child process (asynchronous: the servers live in this one). */
function bin(path: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path, ...args], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const read = (file: string): ScanReport => JSON.parse(readFileSync(file, 'utf8'))
const names = (report: ScanReport, phase: Phase) => report.cookies.filter((c) => c.phase === phase).map((c) => `${c.name} ${c.domain} ${c.path}`)
const cookie = (report: ScanReport, phase: Phase, name: string) => report.cookies.find((c) => c.phase === phase && c.name === name)!
const validate = (file: string, ...args: string[]) => spawnSync(process.execPath, [BIN, 'validate', file, ...args], { encoding: 'utf8' })

let thirdParty: Server
let shop: Server
let legacy: Server
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error('dist/consentry-cli.mjs is missing: run `npm run build` first')
  thirdParty = await serve(thirdPartyRoutes)
  const tp = `http://thirdparty.test:${thirdParty.port}`
  shop = await serve(shopRoutes(tp))
  legacy = await serve(shopRoutes(tp, true))
})
afterAll(async () => {
  await Promise.all([shop?.close(), legacy?.close(), thirdParty?.close()])
  rmSync(dir, { recursive: true, force: true })
})

describe('a shop whose Consentry banner keeps its promise', () => {
  let result: Result
  let report: ScanReport
  beforeAll(async () => {
    result = await scan(
      shop.origin + '/',
      '--config',
      CONFIG,
      '--format',
      'json',
      '--out',
      join(dir, 'shop.json'),
      '--draft',
      join(dir, 'shop-draft.json'),
      RESOLVE,
    )
    report = read(join(dir, 'shop.json'))
  }, 120_000)

  test('exit 0, a one-line summary, and the pages found by links (no PDF, no other site, no fragment twice)', () => {
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^✔ no violations: .*on 3 pages × 3 phases; report in .*shop\.json, draft in .*shop-draft\.json$/)
    expect(report.pages).toEqual([`${shop.origin}/`, `${shop.origin}/about`, `${shop.origin}/shop`])
    expect(report.url).toBe(`${shop.origin}/`)
    expect(Date.parse(report.scannedAt)).toBeGreaterThan(Date.now() - 300_000)
    expect(report.complete).toBe(true)
    expect(report.warnings).toEqual([])
  })

  test('before consent: only the necessary cookies, each with who set it and its database match', () => {
    expect(names(report, 'before-consent')).toEqual(['cart 127.0.0.1 /shop', 'lang 127.0.0.1 /', 'PHPSESSID 127.0.0.1 /'])
    expect(cookie(report, 'before-consent', 'PHPSESSID')).toEqual({
      name: 'PHPSESSID',
      domain: '127.0.0.1',
      path: '/',
      expires: null,
      httpOnly: true,
      secure: false,
      sameSite: 'Lax',
      phase: 'before-consent',
      setBy: { via: 'header', url: `${shop.origin}/` },
      match: {
        platform: 'PHP.net',
        category: 'Functional',
        description: expect.stringContaining('maintain user session'),
        retention: 'Sessions',
        controller: 'PHP.net',
        wildcard: false,
      },
      declared: { category: 'necessary', service: 'site' },
      category: 'necessary',
      categorisedBy: 'config',
    })
    const cart = cookie(report, 'before-consent', 'cart')
    expect(cart).toMatchObject({ setBy: { via: 'header', url: `${shop.origin}/shop` }, match: null, declared: { category: 'necessary', service: 'site' } })
    expect(Date.parse(cart.expires!) - Date.parse(report.scannedAt)).toBeGreaterThan(3000_000)
    // An inline script's cookie is the page's; the config's "necessary" overrides the database's "Functional".
    expect(cookie(report, 'before-consent', 'lang')).toMatchObject({
      setBy: { via: 'script', url: `${shop.origin}/about` },
      match: { platform: 'LinkedIn', category: 'Functional' },
      category: 'necessary',
    })
    expect(report.storage.filter((s) => s.phase === 'before-consent')).toEqual([
      {
        kind: 'localStorage',
        key: 'theme',
        origin: shop.origin,
        phase: 'before-consent',
        match: null,
        declared: { category: 'necessary', service: 'site' },
        category: 'necessary',
        categorisedBy: 'config',
      },
      {
        kind: 'sessionStorage',
        key: 'tour_step',
        origin: shop.origin,
        phase: 'before-consent',
        match: null,
        declared: { category: 'necessary', service: 'site' },
        category: 'necessary',
        categorisedBy: 'config',
      },
    ])
    expect(report.requests.filter((r) => r.phase === 'before-consent')).toEqual([])
  })

  test('after Reject all: the consent cookie is added, nothing optional, no third party', () => {
    expect(names(report, 'after-reject')).toEqual(['cart 127.0.0.1 /shop', 'consentry 127.0.0.1 /', 'lang 127.0.0.1 /', 'PHPSESSID 127.0.0.1 /'])
    expect(cookie(report, 'after-reject', 'consentry')).toMatchObject({
      setBy: { via: 'script', url: `${shop.origin}/dist/consentry.iife.js` },
      category: 'necessary',
      categorisedBy: 'consentry',
      declared: null,
    })
    expect(report.storage.filter((s) => s.phase === 'after-reject').map((s) => s.key)).toEqual(['theme', 'tour_step'])
    expect(report.requests.filter((r) => r.phase === 'after-reject')).toEqual([])
  })

  test('after Accept all: the gated analytics and advertising cookies, set by their scripts, and the declared third party', () => {
    expect(names(report, 'after-accept')).toEqual([
      '_fbp 127.0.0.1 /',
      '_ga 127.0.0.1 /',
      '_ga_ABC123 127.0.0.1 /',
      'cart 127.0.0.1 /shop',
      'consentry 127.0.0.1 /',
      'lang 127.0.0.1 /',
      'PHPSESSID 127.0.0.1 /',
    ])
    const analytics = `http://thirdparty.test:${thirdParty.port}/analytics.js`
    expect(cookie(report, 'after-accept', '_ga')).toMatchObject({
      setBy: { via: 'script', url: analytics },
      match: { platform: 'Google Analytics', category: 'Analytics', controller: 'Google', retention: '2 years', wildcard: false },
      declared: { category: 'analytics', service: 'stats' },
    })
    expect(cookie(report, 'after-accept', '_ga_ABC123')).toMatchObject({
      setBy: { via: 'script', url: analytics },
      match: { platform: 'Google Analytics', wildcard: true },
      declared: { category: 'analytics', service: 'stats' },
    })
    // The gated inline script ran when the visitor accepted on the first page.
    expect(cookie(report, 'after-accept', '_fbp')).toMatchObject({
      setBy: { via: 'script', url: `${shop.origin}/` },
      match: { platform: 'Facebook', category: 'Marketing' },
      declared: { category: 'advertising', service: 'pixel' },
    })
    expect(report.requests.filter((r) => r.phase === 'after-accept')).toEqual([
      { host: 'thirdparty.test', phase: 'after-accept', declared: { category: 'analytics', service: 'stats' }, count: 3 },
    ])
  })

  test('no violations; what is declared and never seen is listed', () => {
    expect(report.violations).toEqual([])
    expect(report.declaredNotSeen).toEqual([{ subject: 'cookie', name: '_gcl_au', category: 'advertising', service: 'pixel' }])
  })

  test('the JSON has the pinned shape', () => {
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['url', 'scannedAt', 'pages', 'cookies', 'storage', 'requests', 'violations', 'draft']))
    for (const c of report.cookies)
      expect(Object.keys(c)).toEqual(
        expect.arrayContaining(['name', 'domain', 'path', 'expires', 'httpOnly', 'secure', 'sameSite', 'phase', 'setBy', 'match', 'declared']),
      )
    for (const s of report.storage) expect(Object.keys(s)).toEqual(expect.arrayContaining(['kind', 'key', 'phase', 'match']))
    for (const r of report.requests) expect(Object.keys(r)).toEqual(expect.arrayContaining(['host', 'phase', 'declared']))
  })

  test('the draft is the config itself (everything seen was declared) and validates', () => {
    expect(report.draft).toEqual(shopConfig)
    expect(JSON.parse(readFileSync(join(dir, 'shop-draft.json'), 'utf8'))).toEqual(shopConfig)
    expect(validate(join(dir, 'shop-draft.json'), '--strict').status).toBe(0)
  })
})

describe('the same shop with a page that sets _ga before consent', () => {
  let result: Result
  let report: ScanReport
  beforeAll(async () => {
    result = await scan(
      legacy.origin + '/',
      '--config',
      CONFIG,
      '--format',
      'json',
      '--out',
      join(dir, 'legacy.json'),
      '--draft',
      join(dir, 'legacy-draft.json'),
      RESOLVE,
    )
    report = read(join(dir, 'legacy.json'))
  }, 120_000)

  test('exit 1; the pages come from sitemap.xml, in its order, without other sites', () => {
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^✖ 10 violations: /)
    expect(report.pages).toEqual([`${legacy.origin}/`, `${legacy.origin}/legacy`, `${legacy.origin}/shop`, `${legacy.origin}/about`])
  })

  test('before consent: _ga and _ga_ABC123 from the ungated script, the undeclared XSRF-TOKEN, the tracker key and host', () => {
    expect(names(report, 'before-consent')).toEqual([
      '_ga 127.0.0.1 /',
      '_ga_ABC123 127.0.0.1 /',
      'cart 127.0.0.1 /shop',
      'lang 127.0.0.1 /',
      'PHPSESSID 127.0.0.1 /',
      'XSRF-TOKEN 127.0.0.1 /',
    ])
    expect(cookie(report, 'before-consent', '_ga').setBy).toEqual({ via: 'script', url: `http://thirdparty.test:${thirdParty.port}/analytics.js` })
    expect(cookie(report, 'before-consent', 'XSRF-TOKEN')).toMatchObject({
      sameSite: 'Strict',
      setBy: { via: 'header', url: `${legacy.origin}/legacy` },
      match: { category: 'Security', wildcard: false },
      declared: null,
      category: 'necessary',
      categorisedBy: 'open-cookie-database',
    })
    expect(report.storage.filter((s) => s.phase === 'before-consent').map((s) => [s.key, s.match?.category ?? null, s.category])).toEqual([
      ['ajs_anonymous_id', 'Analytics', 'analytics'],
      ['theme', null, 'necessary'],
      ['tour_step', null, 'necessary'],
    ])
    expect(report.requests.filter((r) => r.phase === 'before-consent')).toEqual([
      { host: 'thirdparty.test', phase: 'before-consent', declared: { category: 'analytics', service: 'stats' }, count: 1 },
    ])
  })

  test('the violations: optional before consent, optional after Reject all, undeclared', () => {
    expect(report.violations.map((v) => `${v.kind} ${v.subject} ${v.name} ${v.phase}`)).toEqual([
      'before-consent cookie _ga before-consent',
      'before-consent cookie _ga_ABC123 before-consent',
      'before-consent storage ajs_anonymous_id before-consent',
      'before-consent request thirdparty.test before-consent',
      'after-reject cookie _ga after-reject',
      'after-reject cookie _ga_ABC123 after-reject',
      'after-reject storage ajs_anonymous_id after-reject',
      'after-reject request thirdparty.test after-reject',
      'undeclared cookie XSRF-TOKEN before-consent',
      'undeclared storage ajs_anonymous_id before-consent',
    ])
    expect(report.violations[0].message).toBe('cookie _ga (analytics, service stats) is there before any choice: only necessary ones may be')
  })

  test('the draft adds the undeclared ones under the services the database names, and validates with --strict', () => {
    const categories = report.draft.categories!
    expect(categories.necessary.services!['this-site'].cookies).toEqual([
      { name: 'XSRF-TOKEN', purpose: expect.stringContaining('Cross-Site Request Forgery'), duration: 'Session' },
    ])
    expect(categories.analytics.services!.trustpilot).toMatchObject({ title: 'Trustpilot', provider: 'Trustpilot', storage: ['ajs_anonymous_id'] })
    expect(categories.analytics.services!.stats).toEqual(shopConfig.categories.analytics.services.stats)
    const r = validate(join(dir, 'legacy-draft.json'), '--strict')
    expect(r.stdout).toContain('is a valid Consentry config (0 errors, 0 warnings)')
    expect(r.status).toBe(0)
  })

  test('--format text: a table per phase, then the violations', () => {
    const text = formatText(report)
    const lines = text.split('\n')
    expect(lines[0]).toBe(`Cookie scan of ${legacy.origin}/ (${report.scannedAt})`)
    expect(lines).toContain('before-consent: 6 cookies, 3 storage keys, 1 third-party host')
    expect(text).toMatch(/^ {2}COOKIE +DOMAIN +EXPIRES +CATEGORY +DECLARED +OPEN COOKIE DATABASE +SET BY$/m)
    expect(text).toMatch(
      new RegExp(
        `^  _ga +127\\.0\\.0\\.1 +1 year +analytics +analytics:stats +Google Analytics \\(Analytics\\) +script http://thirdparty\\.test:${thirdParty.port}/analytics\\.js$`,
        'm',
      ),
    )
    expect(text).toMatch(/^ {2}consentry +127\.0\.0\.1 +1 year +necessary +\(Consentry\) +— +script http:\/\/127\.0\.0\.1:\d+\/dist\/consentry\.ii…$/m)
    expect(text).toContain('✖ 10 violations\n  before-consent  cookie _ga (analytics, service stats) is there before any choice: only necessary ones may be')
  })

  test('--format md: a cookie declaration by category for the privacy page, then the findings', () => {
    const md = formatMarkdown(report)
    expect(md).toContain(`# Cookies and storage on 127.0.0.1:${legacy.port}`)
    const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    expect(sections).toEqual(['Necessary', 'Analytics', 'Advertising', 'Browser storage', 'Third-party hosts contacted', 'Findings for the site team'])
    expect(md).toContain('| `cart` | 127.0.0.1 | — | Remembers what is in your cart | 1 hour | before consent, after “Reject all”, after “Accept all” |')
    // max-age of 2 years, which Chromium caps at 400 days.
    expect(md).toContain('| `_ga` | 127.0.0.1 | Google Ireland Ltd | Counts visits. | 1 year |')
    // Declared by the site: described by its config, not by the database's LinkedIn "lang".
    expect(md).toContain('| `lang` | 127.0.0.1 | — | Keeps your session, your language and your cart. | 1 year |')
    expect(md).toContain(
      '| `XSRF-TOKEN` | 127.0.0.1 | — | This cookie is written to help with site security in preventing Cross-Site Request Forgery attacks. | Session |',
    )
    expect(md).toContain('| `consentry` | 127.0.0.1 | this site (Consentry) | Keeps your consent choice. |')
    expect(md).toContain('| thirdparty.test | analytics:stats | yes | yes | yes |')
    expect(md).toContain('- **before-consent**: cookie _ga (analytics, service stats) is there before any choice')
    expect(md).toContain('- Declared, never seen: cookie `_gcl_au` (advertising:pixel)')
  })
})

describe('without a config: the Open Cookie Database judges, and a fresh draft', () => {
  test('PHPSESSID (Functional) and _ga (Analytics) before consent are violations; nothing is "undeclared"; the draft validates', async () => {
    const r = await scan(legacy.origin + '/', '--pages', '2', '--format', 'md', '--draft', join(dir, 'fresh.json'), RESOLVE)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('- **before-consent**: cookie _ga (analytics) is there before any choice')
    expect(r.stdout).toContain('- **before-consent**: cookie PHPSESSID (functional) is there before any choice')
    expect(r.stdout).not.toContain('undeclared')
    expect(r.stdout).toContain('Pages scanned: <' + legacy.origin + '/>, <' + legacy.origin + '/legacy>')
    const fresh = JSON.parse(readFileSync(join(dir, 'fresh.json'), 'utf8'))
    expect(Object.keys(fresh.categories)).toEqual(['necessary', 'functional', 'analytics', 'advertising'])
    expect(fresh.categories.analytics.services['google-analytics'].cookies.map((c: { name: string }) => c.name)).toEqual(['_ga', '/^_ga_/'])
    expect(fresh.categories.functional.services['php-net'].cookies).toEqual([expect.objectContaining({ name: 'PHPSESSID', provider: 'PHP.net' })])
    expect(fresh.categories.functional.services.unidentified.storage).toEqual(['theme'])
    expect(fresh.categories.advertising.services.facebook.cookies).toEqual([expect.objectContaining({ name: '_fbp', duration: '4 months' })])
    const v = validate(join(dir, 'fresh.json'), '--strict')
    expect(v.stdout).toContain('(0 errors, 0 warnings)')
    expect(v.status).toBe(0)
  }, 120_000)
})

describe('another consent tool: --accept-selector and --reject-selector', () => {
  let other: Server
  beforeAll(async () => {
    const tp = `http://thirdparty.test:${thirdParty.port}`
    other = await serve({
      '/': html(`<!doctype html><html><head><title>Other CMP</title></head><body>
<div id="cmp"><button id="no">No thanks</button> <button id="yes">OK</button></div>
<script>
document.getElementById('no').onclick = () => { document.cookie = 'CookieConsent=no; path=/; max-age=31536000'; document.getElementById('cmp').hidden = true }
document.getElementById('yes').onclick = () => {
  document.cookie = 'CookieConsent=yes; path=/; max-age=31536000'
  document.getElementById('cmp').hidden = true
  const s = document.createElement('script'); s.src = '${tp}/slow-analytics.js'; document.head.append(s)
}
</script></body></html>`),
    })
  })
  afterAll(() => other?.close())

  // Its Accept all loads a script that answers a second later: the scan waits for what the click started.
  test('clicks its buttons; its consent-state cookie counts as necessary after the refusal', async () => {
    const r = await scan(other.origin + '/', '--pages', '1', '--reject-selector', '#no', '--accept-selector', 'text=OK', '--format', 'json', RESOLVE)
    expect(r.code).toBe(0)
    const report: ScanReport = JSON.parse(r.stdout)
    expect(names(report, 'before-consent')).toEqual([])
    expect(names(report, 'after-reject')).toEqual(['CookieConsent 127.0.0.1 /'])
    expect(cookie(report, 'after-reject', 'CookieConsent')).toMatchObject({ match: { platform: 'Cookiebot', category: 'Functional' }, category: 'necessary' })
    expect(names(report, 'after-accept')).toEqual(['_ga 127.0.0.1 /', '_ga_ABC123 127.0.0.1 /', 'CookieConsent 127.0.0.1 /'])
    expect(report.warnings).toEqual([])
  }, 120_000)

  test("Consentry's buttons are not on that page: a warning per phase, and the phases still run", async () => {
    const r = await scan(other.origin + '/', '--pages', '1', '--format', 'json', '--page-timeout', '3')
    const report: ScanReport = JSON.parse(r.stdout)
    expect(report.warnings).toEqual([
      `after-reject: no visible #consentry-root [data-action="reject-all"] on ${other.origin}/ within 3 s: this phase browsed without a decision`,
      `after-accept: no visible #consentry-root [data-action="accept-all"] on ${other.origin}/ within 3 s: this phase browsed without a decision`,
    ])
    expect(r.code).toBe(0)
  }, 120_000)
})

describe('bounds: never a hang', () => {
  let many: Server
  let hanging: Server
  beforeAll(async () => {
    const links = Array.from({ length: 5000 }, (_, i) => `<a href="/p/${i}">page ${i}</a>`).join('\n')
    many = await serve({ '/': html(`<!doctype html><title>Many</title>${links}`), '/p/*': html(`<!doctype html><title>A page</title>${links}`) })
    const { '/dist/*': dist, '/consent.json': config } = shopRoutes('')
    hanging = await serve({
      '/dist/*': dist,
      '/consent.json': config,
      '/': html(`<!doctype html><title>Never settles</title><script src="/dist/consentry.iife.js" data-config="/consent.json"></script>
<script>document.cookie = 'slow=1; path=/'</script><img src="/hang" alt="">`),
      // Headers, then nothing: the image, and so the page's load event, never finish.
      '/hang': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).write('x'),
    })
  })
  afterAll(async () => {
    await many?.close()
    await hanging?.close()
  })

  test('a site with thousands of links: exactly --pages pages per phase', async () => {
    const r = await scan(many.origin + '/', '--pages', '3', '--page-timeout', '5', '--format', 'json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).pages).toEqual([`${many.origin}/`, `${many.origin}/p/0`, `${many.origin}/p/1`])
    expect(new Set(many.requests.filter((p) => p.startsWith('/p/')))).toEqual(new Set(['/p/0', '/p/1']))
  }, 120_000)

  test('a page that never settles is bounded by --page-timeout and recorded as it was (built bin, --format md)', async () => {
    const started = Date.now()
    const r = await bin(BIN, ['scan', hanging.origin + '/', '--pages', '1', '--page-timeout', '3', '--format', 'md'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('| `slow` | 127.0.0.1 |')
    // Its banner was still clicked in the after phases, though the page never finished loading.
    expect(r.stdout).toContain(
      '| `consentry` | 127.0.0.1 | this site (Consentry) | Keeps your consent choice. | 1 year | after “Reject all”, after “Accept all” |',
    )
    expect(r.stdout).not.toContain('no visible')
    expect(r.stdout).toContain(`- ${hanging.origin}/ did not finish loading within 3 s (--page-timeout): recorded as it was then`)
    expect(r.stdout.match(/did not finish loading/g)).toHaveLength(1)
    // Three phases of one 3 s page, plus starting Chromium: the default 30 s limit would take over 90 s.
    expect(Date.now() - started).toBeLessThan(45_000)
    expect(r.stderr).toBe('')
  }, 120_000)

  test('--max-time stops the crawl: what was seen is reported, exit 2 without violations', async () => {
    const r = await scan(many.origin + '/', '--pages', '1000', '--max-time', '6', '--page-timeout', '3', '--format', 'json')
    expect(r.code).toBe(2)
    const report: ScanReport = JSON.parse(r.stdout)
    expect(report.complete).toBe(false)
    expect(report.pages.length).toBeGreaterThan(0)
    expect(report.pages.length).toBeLessThan(1000)
    expect(report.warnings).toContain('stopped at the total time limit (--max-time 6 s): some pages of some phases were not visited')
    expect(r.stderr).toContain('did not finish within --max-time')
  }, 120_000)

  test('an unreachable URL: exit 2 and what went wrong (built bin; JSON for CI)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createNetServer()
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok))
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`
    await new Promise((ok) => probe.close(ok))
    const r = await bin(BIN, ['scan', url])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`consentry scan: cannot load ${url}: net::ERR_CONNECTION_REFUSED\n`)
    const j = await bin(BIN, ['scan', url, '--format', 'json'])
    expect(j.code).toBe(2)
    expect(JSON.parse(j.stdout)).toEqual({ url, error: `cannot load ${url}: net::ERR_CONNECTION_REFUSED` })
  }, 60_000)

  test('a TLS error: exit 2 naming it; --ignore-https-errors scans the site', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'consentry-tls-'))
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(keys, 'key.pem'),
      '-out',
      join(keys, 'cert.pem'),
    ])
    expect(made.status).toBe(0)
    const server = createHttpsServer({ key: readFileSync(join(keys, 'key.pem')), cert: readFileSync(join(keys, 'cert.pem')) }, (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'tls=1; Path=/; Secure' }).end('<!doctype html><title>TLS</title>'),
    )
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
    try {
      const bad = await scan(url, '--pages', '1')
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(
        /^consentry scan: cannot load https:\/\/127\.0\.0\.1:\d+\/: net::ERR_CERT_[A-Z_]+ .*\(its TLS certificate is not valid here; --ignore-https-errors scans it anyway\)$/,
      )
      const ok = await scan(url, '--pages', '1', '--ignore-https-errors', '--format', 'json', '--page-timeout', '3')
      expect(ok.code).toBe(0)
      expect(names(JSON.parse(ok.stdout), 'before-consent')).toEqual(['tls 127.0.0.1 /'])
    } finally {
      server.closeAllConnections()
      server.close()
      rmSync(keys, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('what the scan needs', () => {
  test('the scanner is in the CLI only: no browser build, nor the npm build, carries it', () => {
    const browserBuilds = ['consentry.iife.js', 'consentry-extras.js', 'consentry-receipts.js', 'consentry-validate.js', 'consentry.mjs', 'verify.mjs']
    // Each file and every relative module it imports, statically or on demand.
    const files = new Set<string>()
    const follow = (file: string): void => {
      if (files.has(file)) return
      files.add(file)
      const text = readFileSync(join('dist', file), 'utf8')
      for (const m of text.matchAll(/(?:from|import\(?)\s*['"](\.\/[^'"]+)['"]/g)) follow(join(dirname(file), m[1]))
    }
    browserBuilds.forEach(follow)
    expect(files.size).toBeGreaterThan(browserBuilds.length) // the npm build's chunks were followed
    for (const file of files) expect(readFileSync(join('dist', file), 'utf8'), file).not.toMatch(/playwright|__consentryScanCookie|Open Cookie Database/)
    expect(readFileSync(BIN, 'utf8')).toMatch(/import\('\.\/chunks\/cli-[\w-]+\.mjs'\)/)
  })

  test('without playwright-core: exit 2 and how to install it (the built CLI copied where no node_modules are)', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'consentry-alone-'))
    try {
      cpSync(BIN, join(alone, 'consentry-cli.mjs'))
      cpSync(join(process.cwd(), 'dist/chunks'), join(alone, 'chunks'), { recursive: true })
      const r = await bin(join(alone, 'consentry-cli.mjs'), ['scan', shop.origin + '/'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('playwright-core, which is not installed: npm install --save-dev playwright-core@1.65.1')
      // validate does not need it.
      const v = await bin(join(alone, 'consentry-cli.mjs'), ['validate', CONFIG])
      expect(v.code).toBe(0)
    } finally {
      rmSync(alone, { recursive: true, force: true })
    }
  })

  test('a Chromium that is not there: exit 2 naming the path and where it came from', async () => {
    const r = await scan(shop.origin + '/', '--chromium', '/nonexistent/chromium')
    expect(r).toMatchObject({ code: 2, stderr: 'consentry scan: no Chromium at /nonexistent/chromium (given by --chromium)' })
    const e = await bin(BIN, ['scan', shop.origin + '/'], { ...process.env, CONSENTRY_CHROMIUM: '/nonexistent/chrome' })
    expect(e.code).toBe(2)
    expect(e.stderr).toBe('consentry scan: no Chromium at /nonexistent/chrome (given by CONSENTRY_CHROMIUM)\n')
  })
})
