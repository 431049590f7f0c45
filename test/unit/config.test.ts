import { describe, expect, test } from 'vitest'
import { parseConfig, validate } from '../../src/config/validate.js'

const full = {
  revision: 3,
  mode: 'opt-in',
  policyUrl: '/privacy',
  cookie: { name: 'consentry', domain: '', path: '/', sameSite: 'Lax', expiresDays: 182 },
  categories: {
    necessary: { required: true },
    functional: { services: { youtube: { title: 'YouTube', cookies: ['VISITOR_INFO1_LIVE'] } } },
    analytics: {
      services: {
        ga4: { cookies: ['_ga', '/^_ga_/', { name: '_gid', provider: 'Google', purpose: 'Statistics', duration: '1 day' }] },
      },
    },
    advertising: {},
    social: { title: 'Social media' },
  },
  google: { consentMode: true, waitForUpdate: 500 },
  receipts: { endpoint: 'https://consent.example.com/receipts', controller: 'Example Ltd', policyUrl: 'https://example.com/privacy' },
  language: { default: 'en', autoDetect: 'document' },
  translations: { en: { banner: { title: 'Cookies?' } }, 'pt-BR': { banner: { acceptAll: 'Aceitar' } } },
  ui: { layout: 'box', position: 'top', blocking: false, nonce: 'r4nd0m', theme: { scheme: 'auto', accent: '#0b57d0', radius: '4px' } },
}

describe('config validation', () => {
  test('accepts the full example of the config reference and an empty config', () => {
    expect(validate(full)).toEqual([])
    expect(validate({})).toEqual([])
  })

  test.each([
    [
      { categories: { analytics: { services: { ga4: { cookies: ['_ga', 42] } } } } },
      'categories.analytics.services.ga4.cookies[1]',
      'expected a cookie name or /regex/, got 42',
    ],
    [
      { categories: { analytics: { services: { ga4: { cookies: ['/[unclosed/'] } } } } },
      'categories.analytics.services.ga4.cookies[0]',
      'expected a cookie name or /regex/, got "/[unclosed/"',
    ],
    [{ categories: { analytics: { services: { ga4: { cookies: [{ purpose: 'x' }] } } } } }, 'categories.analytics.services.ga4.cookies[0].name', 'is required'],
    [{ mode: 'opt_in' }, 'mode', 'expected one of "opt-in", "opt-out", "notice", got "opt_in"'],
    [{ revision: 1.5 }, 'revision', 'expected an integer >= 0, got 1.5'],
    [{ revision: '2' }, 'revision', 'expected an integer >= 0, got "2"'],
    [{ cookie: { expiresDays: 1000 } }, 'cookie.expiresDays', 'expected an integer from 1 to 400, got 1000'],
    [{ categories: { 'my category': {} } }, 'categories.my category', 'expected a name of letters, digits, "-" or "_" (starting with a letter) as key'],
    [{ categories: { necessary: { required: false } } }, 'categories.necessary.required', 'necessary cannot be switched off; remove this or set it to true'],
    [
      { categories: { analytics: { requried: true } } },
      'categories.analytics.requried',
      'unknown key (expected one of: required, title, description, services)',
    ],
    [{ receipts: { controller: 'X' } }, 'receipts.endpoint', 'is required'],
    [{ policyUrl: 'javascript:alert(1)' }, 'policyUrl', 'expected an http(s) or relative URL, got "javascript:alert(1)"'],
    [
      { ui: { theme: { accent: 'red;}body{display:none' } } },
      'ui.theme.accent',
      'expected a CSS value such as "#0b57d0" or "8px", got "red;}body{display:none"',
    ],
    [{ translations: { en: { banner: { title: 5 } } } }, 'translations.en.banner.title', 'expected a text or a group of texts, got 5'],
    [{ translations: { english: {} } }, 'translations.english', 'expected a language tag such as "en" or "pt-BR" as key'],
    [{ categories: [] }, 'categories', 'expected an object, got a list'],
    [null, '', 'expected an object, got null'],
  ])('%j → %s: %s', (config, path, message) => {
    expect(validate(config)).toContainEqual({ path, message })
  })

  test('reports every problem, not just the first', () => {
    expect(validate({ mode: 1, revision: -1, ui: { layout: 'popup' } }).map((p) => p.path)).toEqual(['mode', 'revision', 'ui.layout'])
  })

  test('layout and position: a bar only at an edge, a cloud only centred, a box anywhere; another pair is an error at ui.position', () => {
    const allowed: Record<string, string[]> = {
      bar: ['bottom', 'top'],
      box: ['bottom', 'top', 'bottom-left', 'bottom-right', 'middle'],
      cloud: ['bottom', 'top', 'middle'],
    }
    for (const layout of [undefined, 'bar', 'box', 'cloud'])
      for (const position of ['bottom', 'top', 'bottom-left', 'bottom-right', 'middle']) {
        const problems = validate({ ui: layout ? { layout, position } : { position } })
        const ok = allowed[layout ?? 'bar'].includes(position)
        expect(
          problems.map((p) => p.path),
          `${layout} ${position}`,
        ).toEqual(ok ? [] : ['ui.position'])
      }
    expect(validate({ ui: { position: 'bottom-left' } })).toEqual([
      { path: 'ui.position', message: 'a bar cannot stand at "bottom-left": expected one of "bottom", "top", or ui.layout "box"' },
    ])
    // An unknown value is reported once, by its own rule.
    expect(validate({ ui: { layout: 'cloud', position: 'left' } }).map((p) => p.message)).toEqual([
      'expected one of "bottom", "top", "bottom-left", "bottom-right", "middle", got "left"',
    ])
    expect(validate({ ui: { layout: 'cloud', position: 'middle', flipButtons: true, hideFromBots: false } })).toEqual([])
  })

  test('parseConfig turns a JSON syntax error into a problem instead of throwing', () => {
    const { config, problems } = parseConfig('{ "mode": "opt-in", }')
    expect(config).toBeUndefined()
    expect(problems[0].message).toMatch(/^not valid JSON/)
    expect(parseConfig(JSON.stringify(full)).config).toEqual(full)
  })
})
