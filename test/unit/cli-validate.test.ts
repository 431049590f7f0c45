// @vitest-environment node
// `consentry validate`: a table of config files → the exact lines printed (position,
// severity, path, message) and the exit code; the JSON report for CI; the config hash
// receipts carry; revision advice; and every example config in demo/ and docs/ passes.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { check } from '../../src/cli/check.js'
import { run } from '../../src/cli/main.js'
import { mapJson, positionOf } from '../../src/cli/positions.js'
import { fingerprint } from '../../src/config/fingerprint.js'
import { canonicalJson, sha256 } from '../../src/receipts/digest.js'

/** Runs the CLI on in-memory files; returns the exit code and what it printed. */
async function cli(args: string[], files: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    read: (path) => {
      if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
      return files[path]
    },
    write: (path, text) => void (files[path] = text),
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** The finding lines of the text output (not the summary). */
const findingLines = (out: string) => out.split('\n').filter((line) => /^c\.json:\d+:\d+ {2}/.test(line))

const svc = '"description": "Counts visits."'

const table: { name: string; file: string; strict?: boolean; lines: string[]; code: number }[] = [
  {
    name: 'a JSON syntax error, at the offending character',
    file: '{\n  "revision": 1,\n  "mode": "opt-in",\n}\n',
    lines: ['c.json:4:1  error    (root): not valid JSON: trailing comma before "}"'],
    code: 1,
  },
  {
    name: 'a missing comma',
    file: '{\n  "revision": 1\n  "mode": "opt-in"\n}',
    lines: ['c.json:3:3  error    (root): not valid JSON: unexpected "\\"" (expected "," or "}")'],
    code: 1,
  },
  {
    name: 'a wrong type and an out-of-range number, at their values',
    file: '{\n  "revision": "2",\n  "cookie": { "expiresDays": 500 }\n}',
    lines: [
      'c.json:2:15  error    revision: expected an integer >= 0, got "2"',
      'c.json:3:30  error    cookie.expiresDays: expected an integer from 1 to 400, got 500',
    ],
    code: 1,
  },
  {
    name: 'a typo in a key, at the key, with the nearest valid key',
    file: `{\n  "categories": {\n    "analytics": {\n      "services": {\n        "ga4": { "tilte": "GA4", ${svc} }\n      }\n    }\n  }\n}`,
    lines: ['c.json:5:18  error    categories.analytics.services.ga4.tilte: unknown key; did you mean "title"?'],
    code: 1,
  },
  {
    name: 'an unknown key with no near match lists what is allowed',
    file: '{ "cookie": { "colour": "red" } }',
    lines: ['c.json:1:15  error    cookie.colour: unknown key (expected one of: name, domain, path, sameSite, secure, expiresDays)'],
    code: 1,
  },
  {
    name: 'a bad cookie pattern inside a list, by index',
    file: `{ "categories": { "analytics": { "services": { "ga4": {\n  ${svc},\n  "cookies": ["_ga", "/[/"]\n} } } } }`,
    lines: ['c.json:3:22  error    categories.analytics.services.ga4.cookies[1]: expected a cookie name or /regex/, got "/[/"'],
    code: 1,
  },
  {
    name: 'a missing required key, at its parent',
    file: '{\n  "receipts": { "controller": "Example Ltd" }\n}',
    lines: ['c.json:2:15  error    receipts.endpoint: is required'],
    code: 1,
  },
  {
    name: 'necessary switched off, and a duplicate key',
    file: '{\n  "revision": 1,\n  "revision": 2,\n  "categories": { "necessary": { "required": false } }\n}',
    lines: [
      'c.json:3:3  error    revision: duplicate key (the first is on line 2); JSON readers keep only the last one',
      'c.json:4:46  error    categories.necessary.required: necessary cannot be switched off; remove this or set it to true',
    ],
    code: 1,
  },
  {
    name: 'a category name typo is a warning with a suggestion; valid without --strict',
    file: '{\n  "categories": {\n    "necessary": {},\n    "analytcs": {}\n  }\n}',
    lines: [
      'c.json:4:5  warning  categories.analytcs: "analytcs" is not a standard category; did you mean "analytics"? (gated markup with data-category="analytics" would never run)',
    ],
    code: 0,
  },
  {
    name: '--strict: the same warning fails the check',
    file: '{\n  "categories": {\n    "necessary": {},\n    "analytcs": {}\n  }\n}',
    strict: true,
    lines: [
      'c.json:4:5  warning  categories.analytcs: "analytcs" is not a standard category; did you mean "analytics"? (gated markup with data-category="analytics" would never run)',
    ],
    code: 1,
  },
  {
    name: 'legal pitfalls: cookies without a description, advertising required, an ad domain in necessary',
    file: [
      '{',
      '  "categories": {',
      '    "necessary": { "services": { "tags": { "title": "Tags", "policyUrl": "https://ad.doubleclick.net/policy", "description": "Tags." } } },',
      '    "analytics": { "services": { "ga4": { "cookies": ["_ga"] } } },',
      '    "advertising": { "required": true }',
      '  }',
      '}',
    ].join('\n'),
    lines: [
      'c.json:3:74  warning  categories.necessary.services.tags.policyUrl: doubleclick.net is an advertising or tracking domain, which is never strictly necessary: move "tags" to an optional category',
      'c.json:4:34  warning  categories.analytics.services.ga4: has cookies but no description: say what the service does and why, so that consent is informed (GDPR Art. 13)',
      'c.json:5:34  warning  categories.advertising.required: advertising must not be required: consent to it has to be freely given and refusable (GDPR Art. 7(4), ePrivacy Art. 5(3))',
    ],
    code: 0,
  },
  {
    name: 'theme colours that are unreadable in a scheme they are shown in: text on the accent and background, the accent on the background',
    file: ['{', '  "ui": { "theme": { "scheme": "auto", "accent": "#0b57d0", "accentText": "#062e6f",', '    "text": "#333333" } }', '}'].join('\n'),
    lines: [
      'c.json:2:50  warning  ui.theme.accent: the accent #0b57d0 on the background #1f1f1f is 2.58:1 in the dark scheme; switches that are on and button edges need 3:1 (WCAG 2.2 SC 1.4.11): choose an accent that stands out from the background in dark mode (light-dark(#0b57d0, #a8c7fa) gives one per scheme), or "scheme": "light"',
      'c.json:2:75  warning  ui.theme.accentText: #062e6f on the accent #0b57d0 is 2.01:1 in the light scheme; text needs 4.5:1 (WCAG 2.2 SC 1.4.3): leave ui.theme.accentText out and Consentry picks white or black text that reads',
      'c.json:2:75  warning  ui.theme.accentText: #062e6f on the accent #0b57d0 is 2.01:1 in the dark scheme; text needs 4.5:1 (WCAG 2.2 SC 1.4.3): leave ui.theme.accentText out and Consentry picks white or black text that reads',
      'c.json:3:13  warning  ui.theme.text: #333333 on the background #1f1f1f is 1.3:1 in the dark scheme; text needs 4.5:1 (WCAG 2.2 SC 1.4.3): leave ui.theme.text out and Consentry picks white or black text that reads',
    ],
    code: 0,
  },
  {
    name: 'an accent given per scheme with light-dark() is checked per scheme: only the dark one that fades is named',
    file: '{ "ui": { "theme": { "scheme": "auto", "accent": "light-dark(#0b57d0, #123456)", "accentText": "light-dark(#ffffff, #ffffff)" } } }',
    lines: [
      'c.json:1:50  warning  ui.theme.accent: the accent #123456 on the background #1f1f1f is 1.29:1 in the dark scheme; switches that are on and button edges need 3:1 (WCAG 2.2 SC 1.4.11): choose an accent that stands out from the background in dark mode (light-dark(#0b57d0, #a8c7fa) gives one per scheme), or "scheme": "light"',
    ],
    code: 0,
  },
  {
    name: 'white text on a yellow accent in the light scheme',
    file: '{ "ui": { "theme": { "scheme": "light", "accent": "#ffeb3b", "accentText": "#ffffff" } } }',
    lines: [
      'c.json:1:51  warning  ui.theme.accent: the accent #ffeb3b on the background #ffffff is 1.22:1 in the light scheme; switches that are on and button edges need 3:1 (WCAG 2.2 SC 1.4.11): choose an accent that stands out from the background',
      'c.json:1:76  warning  ui.theme.accentText: #ffffff on the accent #ffeb3b is 1.22:1 in the light scheme; text needs 4.5:1 (WCAG 2.2 SC 1.4.3): leave ui.theme.accentText out and Consentry picks white or black text that reads',
    ],
    code: 0,
  },
  {
    name: 'texts missing for a configured language, and a text key typo',
    file: [
      '{',
      '  "categories": { "necessary": {}, "social": { "title": "Social media" } },',
      '  "language": { "default": "xx" },',
      '  "translations": { "de": { "banner": { "titel": "Hallo" } } }',
      '}',
    ].join('\n'),
    lines: [
      'c.json:2:57  warning  categories.social.title: no title in "de": add translations.de.categories.social.title, or "de" visitors see "Social media"',
      'c.json:3:28  warning  language.default: no texts for "xx": there is no locales/xx.json and no translations.xx, so visitors see English',
      'c.json:4:41  warning  translations.de.banner.titel: unknown text key; did you mean "title"?',
    ],
    code: 0,
  },
  {
    name: "a cookie's table fields translated (cookies.<name>.purpose…), with a typo in one",
    file: '{\n  "translations": { "de": { "cookies": { "_ga": { "purpose": "Unterscheidet Besucher", "duraton": "2 Jahre" } } } }\n}',
    lines: ['c.json:2:88  warning  translations.de.cookies._ga.duraton: unknown text key; did you mean "duration"?'],
    code: 0,
  },
]

describe('consentry validate: invalid files → messages, positions, exit codes', () => {
  for (const row of table) {
    test(row.name, async () => {
      const { code, out } = await cli(['validate', 'c.json', ...(row.strict ? ['--strict'] : [])], { 'c.json': row.file })
      expect(findingLines(out)).toEqual(row.lines)
      expect(code).toBe(row.code)
    })
  }

  test('cannot read: exit 2, on stderr', async () => {
    const { code, out, err } = await cli(['validate', 'missing.json'], {})
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toBe('consentry: cannot read missing.json: no such file')
  })

  test('bad usage: exit 2 with the usage text', async () => {
    for (const args of [[], ['check', 'c.json'], ['validate'], ['validate', 'c.json', '--format', 'xml'], ['validate', 'c.json', '--nope']]) {
      const { code, err } = await cli(args, { 'c.json': '{}' })
      expect(code, args.join(' ')).toBe(2)
      expect(err).toContain('Usage: consentry validate')
    }
  })

  test('a valid file: a summary, the config hash receipts carry, exit 0', async () => {
    const text = '{ "revision": 4, "categories": { "necessary": {} } }'
    const { code, out } = await cli(['validate', 'c.json'], { 'c.json': text })
    const hash = await sha256(canonicalJson(JSON.parse(text)))
    expect(out.split('\n')).toEqual([
      '✔ c.json is a valid Consentry config (0 errors, 0 warnings)',
      `config sha256: ${hash}  (receipts carry it as "config")`,
      `stamp: ${fingerprint(JSON.parse(text))}  (--stamp writes it as "checked": browsers then skip their own check)`,
      'revision: 4  (give --previous old.json to check whether this change needs a revision bump)',
    ])
    expect(code).toBe(0)
  })
})

describe('--format json', () => {
  test('one JSON report with findings, positions, suggestion and hash', async () => {
    const text = '{\n  "cookie": { "nmae": "x" }\n}'
    const { code, out } = await cli(['validate', 'c.json', '--format', 'json'], { 'c.json': text })
    expect(code).toBe(1)
    expect(JSON.parse(out)).toEqual({
      file: 'c.json',
      strict: false,
      stamped: false,
      valid: false,
      errors: 1,
      warnings: 0,
      findings: [{ severity: 'error', path: 'cookie.nmae', message: 'unknown key; did you mean "name"?', line: 2, column: 15, suggestion: 'name' }],
      sha256: await sha256(canonicalJson(JSON.parse(text))),
      revision: 1,
    })
  })

  test('an unreadable file is still JSON on stdout, exit 2', async () => {
    const { code, out } = await cli(['validate', 'gone.json', '--format', 'json'], {})
    expect(code).toBe(2)
    expect(JSON.parse(out)).toEqual({ file: 'gone.json', valid: false, error: 'cannot read gone.json: no such file' })
  })
})

describe('config hash', () => {
  test('is the base64url SHA-256 of the JCS form: key order and spacing do not change it, values do', async () => {
    const a = await check('{"revision":1,"categories":{"necessary":{},"analytics":{}}}')
    const b = await check('{\n  "categories": { "analytics": {}, "necessary": {} },\n  "revision": 1\n}')
    const c = await check('{"revision":2,"categories":{"necessary":{},"analytics":{}}}')
    expect(a.sha256).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(b.sha256).toBe(a.sha256)
    expect(c.sha256).not.toBe(a.sha256)
    // Same bytes as the receipts client hashes: canonicalJson → SHA-256 → base64url.
    const { createHash } = await import('node:crypto')
    expect(a.sha256).toBe(createHash('sha256').update('{"categories":{"analytics":{},"necessary":{}},"revision":1}').digest('base64url'))
  })
})

describe('revision advice (--previous)', () => {
  const base = { revision: 2, categories: { necessary: {}, analytics: { services: { stats: { description: 'Counts visits.', cookies: ['_s'] } } } } }
  const files = (next: unknown) => ({ 'old.json': JSON.stringify(base), 'c.json': JSON.stringify(next, null, 2) })

  test('a new service without a bump: a warning naming the next revision', async () => {
    const next = structuredClone(base) as typeof base & { categories: { advertising?: unknown } }
    next.categories.advertising = { services: { pixel: { description: 'Shows ads.' } } }
    const { code, out } = await cli(['validate', 'c.json', '--previous', 'old.json'], files(next))
    expect(findingLines(out)).toEqual([
      'c.json:2:15  warning  revision: what visitors agree to has changed (categories.advertising added): release it with "revision": 3 so that every visitor is asked again',
    ])
    expect(out).toContain('revision: 2 (previous 2) — bump to 3 before release')
    expect(code).toBe(0)
    expect((await cli(['validate', 'c.json', '--previous', 'old.json', '--strict'], files(next))).code).toBe(1)
  })

  test('the same change with the bump: no advice', async () => {
    const next = structuredClone(base) as typeof base & { categories: { advertising?: unknown } }
    next.categories.advertising = { services: { pixel: { description: 'Shows ads.' } } }
    next.revision = 3
    const { out } = await cli(['validate', 'c.json', '--previous', 'old.json'], files(next))
    expect(findingLines(out)).toEqual([])
    expect(out).toContain('revision: 3 (previous 2) — no bump needed')
  })

  test('a new cookie is a purpose change; a text change is an info; a removal needs nothing', async () => {
    const cookie = structuredClone(base)
    cookie.categories.analytics.services.stats.cookies.push('_t')
    const r1 = await check(JSON.stringify(cookie), { previous: JSON.stringify(base) })
    expect(r1.revisionAdvice).toMatchObject({ purposes: ['categories.analytics.services.stats.cookies: _t added'], bumpNeeded: true })
    const text = structuredClone(base)
    text.categories.analytics.services.stats.description = 'Counts visits and pages.'
    const r2 = await check(JSON.stringify(text), { previous: JSON.stringify(base) })
    expect(r2.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        'info',
        'texts changed (categories.analytics.services.stats.description): if this changes the meaning of a purpose, release it with "revision": 3; wording fixes need no bump',
      ],
    ])
    const removed = structuredClone(base) as { categories: Record<string, unknown> }
    delete removed.categories.analytics
    const r3 = await check(JSON.stringify(removed), { previous: JSON.stringify(base) })
    expect(r3.revisionAdvice).toMatchObject({ removed: ['categories.analytics'], bumpNeeded: false })
    expect(r3.findings).toEqual([])
  })

  test('an unreadable --previous file is exit 2', async () => {
    expect((await cli(['validate', 'c.json', '--previous', 'nope.json'], { 'c.json': '{}' })).code).toBe(2)
  })
})

describe('JSON position mapper', () => {
  test('keys and values of nested objects and lists, 1-based', () => {
    const { paths } = mapJson('{\n  "a": [1, {"b": true}],\n\t"c": "x"\n}')
    expect(paths.get('a')).toEqual({ key: { line: 2, column: 3, offset: 4 }, value: { line: 2, column: 8, offset: 9 } })
    expect(paths.get('a[1].b')?.value).toMatchObject({ line: 2, column: 18 })
    expect(paths.get('c')?.key).toMatchObject({ line: 3, column: 2 })
    expect(positionOf(paths, 'a[1].missing')).toMatchObject({ line: 2, column: 12 })
  })

  test('parses what JSON.parse parses, and rejects what it rejects', () => {
    for (const text of ['{"a":"\\u00e9\\n","b":-1.5e3,"c":[],"d":{},"e":null}', '\ufeff{"x":[true,false]}', '  []  ']) {
      expect(mapJson(text).value).toEqual(JSON.parse(text.replace(/^\ufeff/, '')))
    }
    for (const text of ['{"a":01}', '{"a":1,}', "{'a':1}", '{"a":1} x', '[1,]', '{"a":"\t"}', '// c\n{}', '']) {
      expect(() => JSON.parse(text), text).toThrow()
      expect(() => mapJson(text), text).toThrow()
    }
  })
})

describe('valid example configs in demo/ and docs/', () => {
  /** Config files: JSON that names consentry.schema.json in "$schema", and such ```json blocks in docs. */
  function examples(): { name: string; text: string }[] {
    const found: { name: string; text: string }[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry)
        if (entry === 'vendor' || entry === 'node_modules') continue
        if (statSync(path).isDirectory()) walk(path)
        else if (entry.endsWith('.json')) {
          const text = readFileSync(path, 'utf8')
          if (/"\$schema"\s*:\s*"[^"]*consentry\.schema\.json"/.test(text)) found.push({ name: path, text })
        } else if (entry.endsWith('.md')) {
          for (const [, block] of readFileSync(path, 'utf8').matchAll(/```json\n([\s\S]*?)```/g))
            if (/^\{[\s\S]*"\$schema"\s*:\s*"[^"]*consentry\.schema\.json"[\s\S]*\}\s*$/.test(block)) found.push({ name: `${path} (code block)`, text: block })
        }
      }
    }
    walk('demo')
    walk('docs')
    return found
  }

  test('are found (demo/consent.json and docs/examples among them)', () => {
    const names = examples().map((e) => e.name)
    expect(names).toContain(join('demo', 'consent.json'))
    expect(names).toContain(join('docs', 'examples', 'minimal.json'))
    expect(names.length).toBeGreaterThanOrEqual(3)
  })

  test('all pass: no errors, exit 0', async () => {
    for (const { name, text } of examples()) {
      const { code, out } = await cli(['validate', name], { [name]: text })
      expect(
        out.split('\n').filter((line) => line.includes('  error  ')),
        name,
      ).toEqual([])
      expect(code, name).toBe(0)
    }
  })

  test('the docs examples pass --strict too', async () => {
    for (const { name, text } of examples().filter((e) => e.name.startsWith('docs'))) {
      const report = await check(text, { strict: true })
      expect(report.findings, name).toEqual([])
      expect(report.valid).toBe(true)
    }
  })
})

describe('--stamp: the config vouches for itself, and browsers skip their check', () => {
  const valid = '{\n  "revision": 2,\n  "categories": { "analytics": { "description": "Counts visits." } }\n}\n'

  test('a valid config gets "checked": its fingerprint, the one the SDK computes from the stamped file', async () => {
    const files = { 'c.json': valid }
    const { code, out } = await cli(['validate', 'c.json', '--stamp'], files)
    expect(code).toBe(0)
    const stamped = JSON.parse(files['c.json'])
    expect(stamped).toEqual({ ...JSON.parse(valid), checked: fingerprint(JSON.parse(valid)) })
    expect(fingerprint(stamped)).toBe(stamped.checked)
    expect(out).toContain(`stamped: "checked": "${stamped.checked}" written to c.json`)
    // Stamping again changes nothing, and a plain run finds nothing wrong with the stamp.
    await cli(['validate', 'c.json', '--stamp'], files)
    expect(JSON.parse(files['c.json'])).toEqual(stamped)
    const plain = await cli(['validate', 'c.json'], files)
    expect(findingLines(plain.out)).toEqual([])
    expect(plain.out).toContain(`stamp: ${stamped.checked}, carried by the file as "checked"`)
  })

  test('an invalid config is not stamped', async () => {
    const files = { 'c.json': '{ "revision": "2" }' }
    expect((await cli(['validate', 'c.json', '--stamp'], files)).code).toBe(1)
    expect(files['c.json']).toBe('{ "revision": "2" }')
  })

  test('a stamp the config no longer matches is reported (info), with the fresh one', async () => {
    const files = { 'c.json': valid }
    await cli(['validate', 'c.json', '--stamp'], files)
    const edited = files['c.json'].replace('"revision": 2', '"revision": 3')
    const fresh = fingerprint(JSON.parse(edited))
    const { code, out } = await cli(['validate', 'c.json'], { 'c.json': edited })
    expect(code).toBe(0)
    expect(findingLines(out)).toEqual([
      expect.stringMatching(new RegExp(`^c\\.json:\\d+:\\d+  info     checked: the stamp is not this config's \\(${fresh}\\)`)),
    ])
  })
})
