// The cookie scanner's parts that need no browser: the Open Cookie Database import and
// matching, the crawl's bounds, judging what was recorded, the draft, the formats and
// the CLI's usage errors and exit codes (docs/scanner.md).

import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { compact, parseCsv, serialize } from '../../scripts/ocd-import.mjs'
import { check } from '../../src/cli/check.js'
import { analyse, firstParty } from '../../src/scan/analyse.js'
import { runScan, ttyProgress } from '../../src/scan/cli.js'
import { Frontier, pageUrl, parseSitemap, sitemapPages } from '../../src/scan/crawl.js'
import { declarations } from '../../src/scan/declared.js'
import { draft, serviceKey } from '../../src/scan/draft.js'
import { lifetime, progressLine, table } from '../../src/scan/format.js'
import { categoryOf, matchOcd, OCD_SIZE } from '../../src/scan/ocd.js'
import type { PhaseRecord, RawCookie } from '../../src/scan/record.js'
import type { Phase, ScanReport } from '../../src/scan/types.js'

describe('the Open Cookie Database inside the repository', () => {
  test('all 2,264 entries, 260 of them wildcards, with its licence and a NOTICE line', () => {
    expect(OCD_SIZE).toEqual({ entries: 2264, wildcards: 260 })
    expect(readFileSync('data/open-cookie-database/LICENSE', 'utf8')).toContain('Apache License')
    expect(readFileSync('NOTICE', 'utf8')).toContain('Open Cookie Database')
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
    expect(pkg.files).toEqual(expect.arrayContaining(['NOTICE', 'data/open-cookie-database/LICENSE']))
  })

  test('scripts/ocd-import.mjs reads quoted CSV fields (commas, quotes, line breaks) and refuses a wrong file', () => {
    expect(parseCsv('a,"b, ""c""\nd",e\r\n1,2,3\n')).toEqual([
      ['a', 'b, "c"\nd', 'e'],
      ['1', '2', '3'],
    ])
    const header =
      'ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match'
    const csv = `${header}\n1,Google Analytics,Analytics,_ga,,"ID used to identify users",2 years,Google,https://x,0\n2,Google Analytics,Analytics,_ga_,,"Session state, per property",2 years,Google,https://x,1\n`
    const db = compact(csv)
    expect(db).toMatchObject({ count: 2, platforms: ['Google Analytics'], categories: ['Analytics'], controllers: ['Google'] })
    expect(db.entries).toEqual([
      ['_ga', 0, 0, '', 'ID used to identify users', '2 years', 0, 0],
      ['_ga_', 0, 0, '', 'Session state, per property', '2 years', 0, 1],
    ])
    expect(JSON.parse(serialize(db))).toEqual(db)
    expect(() => compact('Name,Category\nx,y\n')).toThrow('no "Cookie / Data Key name" column')
    expect(() => compact(`${header}\n1,P,Analytics,x,,d,1 day,C,u,yes\n`)).toThrow('row 2 (x): "Wildcard match" is "yes", expected 0 or 1')
  })

  test('the committed JSON is what the script makes of its own rows (no hand edits)', () => {
    const text = readFileSync('data/open-cookie-database/open-cookie-database.json', 'utf8')
    const db = JSON.parse(text)
    expect(serialize(db)).toBe(text)
    expect(db.entries).toHaveLength(db.count)
  })

  test('an exact name first, else the longest wildcard prefix; a shared name by its domain', () => {
    expect(matchOcd('_ga')).toMatchObject({ platform: 'Google Analytics', category: 'Analytics', wildcard: false, pattern: '_ga' })
    expect(matchOcd('_ga_XYZ987')).toMatchObject({ platform: 'Google Analytics', wildcard: true, pattern: '_ga_' })
    expect(matchOcd('_gac_gb_12345')).toMatchObject({ platform: 'Google Ads', pattern: '_gac_gb_' })
    expect(matchOcd('_gac_12345')).toMatchObject({ platform: 'Google Analytics', pattern: '_gac_' })
    expect(matchOcd('no-such-cookie-anywhere')).toBeNull()
    expect(matchOcd('GA')).toBeNull() // case matters: cookie names are case-sensitive
  })

  test("categories: Marketing → advertising, Security → necessary, a CMP's consent-state cookie → necessary", () => {
    expect(categoryOf(matchOcd('_fbp')!)).toBe('advertising')
    expect(categoryOf(matchOcd('_ga')!)).toBe('analytics')
    expect(categoryOf(matchOcd('XSRF-TOKEN')!)).toBe('necessary')
    expect(categoryOf(matchOcd('PHPSESSID')!)).toBe('functional')
    expect(categoryOf(matchOcd('OptanonConsent')!)).toBe('necessary')
    expect(categoryOf(matchOcd('CookieConsent')!)).toBe('necessary')
  })
})

describe('the crawl is bounded', () => {
  const origin = 'https://shop.example'
  test('only pages of the same origin, without fragments or downloads', () => {
    expect(pageUrl('/a#b', origin)).toBe('https://shop.example/a')
    expect(pageUrl('https://other.example/', origin)).toBeUndefined()
    expect(pageUrl('/terms.PDF', origin)).toBeUndefined()
    expect(pageUrl('mailto:x@example.com', origin)).toBeUndefined()
    expect(pageUrl('javascript:void(0)', origin)).toBeUndefined()
    expect(pageUrl('/a?b=1', origin)).toBe('https://shop.example/a?b=1')
  })

  test('the frontier keeps each page once and never holds more than can be visited', () => {
    const f = new Frontier(origin, 3)
    f.visited(`${origin}/`)
    f.add(['/', '/a', '/a#x', '/b', ...Array.from({ length: 10_000 }, (_, i) => `/p/${i}`)])
    expect([f.next(), f.next(), f.next(), f.next()]).toEqual([`${origin}/a`, `${origin}/b`, `${origin}/p/0`, undefined])
  })

  test('sitemap.xml: <loc> entries with XML entities; an index is followed one level, a few children', async () => {
    expect(parseSitemap('<urlset><url><loc> https://shop.example/a?x=1&amp;y=2 </loc></url></urlset>')).toEqual({
      index: false,
      locs: ['https://shop.example/a?x=1&y=2'],
    })
    const asked: string[] = []
    const files: Record<string, string> = {
      [`${origin}/sitemap.xml`]: `<sitemapindex>${Array.from({ length: 9 }, (_, i) => `<sitemap><loc>${origin}/s${i}.xml</loc></sitemap>`).join('')}<sitemap><loc>https://evil.example/s.xml</loc></sitemap></sitemapindex>`,
      [`${origin}/s0.xml`]: `<urlset><url><loc>${origin}/a</loc></url><url><loc>https://other.example/x</loc></url></urlset>`,
      [`${origin}/s1.xml`]: `<sitemapindex><sitemap><loc>${origin}/deeper.xml</loc></sitemap></sitemapindex>`,
    }
    const fetch = async (url: string) => (asked.push(url), files[url])
    expect(await sitemapPages(origin, 10, fetch)).toEqual([`${origin}/a`])
    expect(asked).toEqual([`${origin}/sitemap.xml`, `${origin}/s0.xml`, `${origin}/s1.xml`, `${origin}/s2.xml`, `${origin}/s3.xml`, `${origin}/s4.xml`])
    expect(await sitemapPages(origin, 10, async () => undefined)).toEqual([])
  })
})

// ---------------------------------------------------------------- judging a recording

const cookie = (name: string, extra: Partial<RawCookie> = {}): RawCookie => ({
  name,
  domain: 'shop.example',
  path: '/',
  expires: -1,
  httpOnly: false,
  secure: true,
  sameSite: 'Lax',
  ...extra,
})
const record = (phase: Phase, cookies: RawCookie[], storage: string[] = [], hosts: string[] = []): PhaseRecord => ({
  phase,
  cookies: new Map(cookies.map((c) => [`${c.name}\0${c.domain}\0${c.path}`, c])),
  setBy: new Map(),
  storage: new Map(storage.map((key) => [key, { kind: 'localStorage' as const, key, origin: 'https://shop.example' }])),
  hosts: new Map(hosts.map((h) => [h, 1])),
})

describe('judging what the phases recorded', () => {
  test('first party: the host, its www-less parent and subdomains; an IP only itself', () => {
    expect(firstParty('cdn.shop.example', 'www.shop.example')).toBe(true)
    expect(firstParty('shop.example', 'www.shop.example')).toBe(true)
    expect(firstParty('shop.example.evil', 'shop.example')).toBe(false)
    expect(firstParty('127.0.0.2', '127.0.0.1')).toBe(false)
  })

  test('without a config: the database decides, unknown names break no rule but are named', () => {
    const f = analyse(
      [
        record('before-consent', [cookie('_ga'), cookie('session_x')]),
        record('after-reject', [cookie('consentry'), cookie('_fbp')], ['consentry:decisions']),
        record('after-accept', []),
      ],
      declarations(undefined),
      'shop.example',
      false,
    )
    expect(f.violations.map((v) => `${v.kind} ${v.name}`)).toEqual(['before-consent _ga', 'after-reject _fbp'])
    expect(f.cookies.find((c) => c.name === 'consentry')).toMatchObject({ category: 'necessary', categorisedBy: 'consentry' })
    expect(f.storage[0]).toMatchObject({ key: 'consentry:decisions', categorisedBy: 'consentry' })
    expect(f.warnings).toEqual(['1 name neither the config nor the Open Cookie Database knows, so no phase rule could judge it: session_x'])
  })

  test('opt-out or notice: optional cookies before a choice are by design, so not counted (said in a warning)', () => {
    const f = analyse([record('before-consent', [cookie('_ga')])], declarations({ mode: 'opt-out' }), 'shop.example', true)
    expect(f.violations.map((v) => v.kind)).toEqual(['undeclared'])
    expect(f.warnings[0]).toMatch(/^the config's mode is "opt-out"/)
  })

  test('a required custom category counts as necessary; a host is judged by the service that declares it', () => {
    const config = {
      categories: {
        necessary: { required: true },
        security: { required: true, title: 'Security', services: { waf: { description: 'Blocks attacks.', cookies: ['_ga'] } } },
        advertising: { services: { ads: { description: 'Ads.', domains: ['ads.example'] } } },
      },
    }
    const f = analyse([record('before-consent', [cookie('_ga')], [], ['cdn.ads.example', 'fonts.example'])], declarations(config), 'shop.example', true)
    expect(f.violations.map((v) => `${v.kind} ${v.subject} ${v.name}`)).toEqual(['before-consent request cdn.ads.example'])
    expect(f.requests.map((r) => [r.host, r.declared])).toEqual([
      ['cdn.ads.example', { category: 'advertising', service: 'ads' }],
      ['fonts.example', null],
    ])
  })
})

describe('the draft', () => {
  test('service keys the config accepts', () => {
    expect(serviceKey('Google Analytics')).toBe('google-analytics')
    expect(serviceKey('PHP.net')).toBe('php-net')
    expect(serviceKey('2K Games')).toBe('s-2k-games')
    expect(serviceKey('Économie & Co')).toBe('economie-co')
    expect(serviceKey('')).toBe('s-unnamed')
    expect(serviceKey('x'.repeat(80))).toHaveLength(40)
  })

  test('a fresh draft from odd names validates with no warning', async () => {
    const f = analyse(
      [
        record(
          'after-accept',
          [cookie('_ga'), cookie('_ga_1'), cookie('_ga_2'), cookie('we;ird'), cookie('/x/'), cookie('_gac_gb_1')],
          ['_hjSessionUser_1', 'my key'],
        ),
      ],
      declarations(undefined),
      'shop.example',
      false,
    )
    const d = draft(f, undefined, '2026-12-04T10:00:00.000Z', 'shop.example')
    expect(d.categories!.analytics.services!['google-analytics'].cookies!.map((c) => (typeof c === 'string' ? c : c.name))).toEqual(['_ga', '/^_ga_/'])
    expect(d.categories!.advertising.services!['google-ads'].cookies).toEqual([expect.objectContaining({ name: '/^_gac_gb_/' })])
    expect(d.categories!.functional.services!.unidentified).toMatchObject({ cookies: ['/^\\/x\\/$/', '/^we;ird$/'], storage: ['/^my key$/'] })
    expect(d.categories!.functional.services!.hotjar.storage).toEqual(['/^_hjSessionUser_/'])
    const report = await check(JSON.stringify(d))
    expect(report.findings).toEqual([])
  })

  test('with a config: its own entries stay as they are, new ones join, a name clash across categories gets another key', () => {
    const config = {
      categories: { necessary: { required: true }, functional: { services: { 'google-analytics': { description: 'Not what you think.', cookies: ['x'] } } } },
    }
    const f = analyse([record('before-consent', [cookie('_ga'), cookie('x')])], declarations(config), 'shop.example', true)
    const d = draft(f, config, '2026-12-04T10:00:00.000Z', 'shop.example')
    expect(d.categories!.functional).toEqual(config.categories.functional)
    expect(Object.keys(d.categories!.analytics.services!)).toEqual(['google-analytics-analytics'])
    expect(config.categories).not.toHaveProperty('analytics') // the config passed in is not changed
  })
})

describe('formats', () => {
  test('lifetimes as people say them', () => {
    const at = '2026-01-01T00:00:00.000Z'
    const later = (s: number) => new Date(Date.parse(at) + s * 1000).toISOString()
    expect([null, later(3600), later(86400), later(400 * 86400), later(90 * 86400), later(-5)].map((e) => lifetime(e, at))).toEqual([
      'session',
      '1 hour',
      '1 day',
      '1 year',
      '3 months',
      'expired',
    ])
  })

  test('tables pad columns and cut long cells', () => {
    expect(
      table([
        ['A', 'BB'],
        ['ccc', 'd'],
      ]),
    ).toEqual(['A    BB', 'ccc  d'])
    expect(table([['x'.repeat(60), 'y']], 10)[0]).toBe('xxxxxxxxx…  y')
  })

  test('the progress line, drawn over itself only on a terminal', () => {
    expect(progressLine({ phase: 'after-reject', done: 5, total: 10, url: 'https://shop.example/a' })).toBe(
      '2/3 after-reject   [##########----------] 5/10 https://shop.example/a',
    )
    const written: string[] = []
    const stream = (isTTY: boolean) => ({ isTTY, columns: 30, write: (t: string) => written.push(t) }) as unknown as NodeJS.WriteStream
    expect(ttyProgress(stream(false))).toBeUndefined()
    const draw = ttyProgress(stream(true))!
    draw('x'.repeat(50))
    draw(null)
    expect(written).toEqual(['\r\x1b[K' + 'x'.repeat(29), '\r\x1b[K'])
  })
})

describe('consentry scan: usage and exit codes', () => {
  const report = (over: Partial<ScanReport> = {}): ScanReport => ({
    url: 'https://shop.example/',
    scannedAt: '2026-12-04T10:00:00.000Z',
    pages: ['https://shop.example/'],
    cookies: [],
    storage: [],
    requests: [],
    violations: [],
    declaredNotSeen: [],
    warnings: [],
    complete: true,
    draft: {},
    ...over,
  })
  const cli = async (args: string[], result: ScanReport = report(), files: Record<string, string> = {}) => {
    const out: string[] = []
    const err: string[] = []
    let given: unknown
    const code = await runScan(args, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      read: (f) => {
        if (!(f in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' })
        return files[f]
      },
      scan: async (options) => ((given = options), result),
    })
    return { code, out: out.join('\n'), err: err.join('\n'), given }
  }

  test.each([
    [[], 'no URL given'],
    [['a', 'b'], 'one URL at a time (got 2)'],
    [['https://x/', '--format', 'xml'], 'unknown --format "xml" (text, json or md)'],
    [['https://x/', '--pages', '0'], '--pages takes a whole number from 1 to 10000 (got "0")'],
    [['https://x/', '--page-timeout', 'soon'], '--page-timeout takes seconds, a number above 0 (got "soon")'],
    [['https://x/', '--config', 'missing.json'], 'cannot read missing.json: no such file'],
    [['https://x/', '--bogus'], "Unknown option '--bogus'"],
  ])('exit 2 for %j: %s', async (args, message) => {
    const r = await cli(args)
    expect(r.code).toBe(2)
    expect(r.err).toContain(message)
    expect(r.err).toContain('Usage: consentry scan <url>')
  })

  test('exit 2 for an invalid config, naming the problem', async () => {
    const r = await cli(['https://x/', '--config', 'c.json'], report(), { 'c.json': '{ "mode": "opt-inn" }' })
    expect(r.code).toBe(2)
    expect(r.err).toContain('c.json is not a valid Consentry config (consentry validate c.json says where): mode: ')
  })

  test('options reach the scan; 0 without violations, 1 with, 2 when the scan did not finish', async () => {
    const ok = await cli([
      'https://x/',
      '--pages',
      '3',
      '--page-timeout',
      '2.5',
      '--max-time',
      '60',
      '--reject-selector',
      '#no',
      '--chromium-arg=--a',
      '--chromium-arg=--b',
      '--format',
      'json',
    ])
    expect(ok.code).toBe(0)
    expect(ok.given).toMatchObject({
      url: 'https://x/',
      pages: 3,
      pageTimeoutMs: 2500,
      maxTimeMs: 60_000,
      rejectSelector: '#no',
      chromiumArgs: ['--a', '--b'],
      ignoreHttpsErrors: false,
    })
    expect(JSON.parse(ok.out)).toEqual(report())
    const bad = await cli(
      ['https://x/'],
      report({
        violations: [
          {
            kind: 'undeclared',
            name: 'a',
            phase: 'before-consent',
            subject: 'cookie',
            category: null,
            message: 'cookie a is set but no service of the config lists it',
          },
        ],
      }),
    )
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('✖ 1 violation\n  undeclared  cookie a is set but no service of the config lists it')
    const cut = await cli(['https://x/'], report({ complete: false }))
    expect(cut.code).toBe(2)
    expect(cut.out).toContain('✔ no violations in what was scanned (the scan did not finish)')
  })

  test('a URL that is not http(s): exit 2 before any browser starts', async () => {
    const r = await runScan(['ftp://x/'], {
      out: () => {},
      err: (t) => expect(t).toBe('consentry scan: ftp://x/: only http and https pages can be scanned'),
      read: () => '',
    })
    expect(r).toBe(2)
  })
})
