// The equivalent pages of the browser benchmark (test/bench/browser.mjs): the same article, the
// same English texts (taken from locales/en.json), four categories (necessary read-only,
// functional, analytics, advertising), one gated inline script per optional category in each
// tool's own markup, and the first layer on the first visit. Each tool is placed where its own
// documentation puts it.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export const OPTIONAL = ['functional', 'analytics', 'advertising']

/** Texts shared by every page, so that all banners say the same thing. */
export function texts(root) {
  const en = JSON.parse(readFileSync(join(root, 'locales/en.json'), 'utf8'))
  return { banner: en.banner, preferences: en.preferences, categories: en.categories }
}

const ARTICLE = `<header class="site"><strong>Example News</strong> <nav><a href="/">Home</a> <a href="/about">About</a> <a href="/privacy">Privacy</a></nav></header>
<main>
<h1>How small websites can stay fast</h1>
<p class="lead">Every byte and millisecond a script costs is paid by every visitor, on every page view, on every device.</p>
${Array.from(
  { length: 8 },
  (_, i) => `<h2>Section ${i + 1}</h2>
<p>Performance budgets are a simple idea: decide in advance how much a page may weigh and how long it may take, and then keep
to that decision as the site grows. Images, fonts and third-party scripts are the usual suspects, but small scripts that run on
every page deserve the same scrutiny, because their cost is multiplied by every page view. Measure on slow devices, not only on
the laptop of the developer, and measure the whole path: download, parse, compile, run, style, layout and paint.</p>
<p>A consent banner is one such script. It must be visible at once, it must not shift the content under the reader's finger,
and it must get out of the way the moment the visitor has decided.</p>`,
).join('\n')}
</main>
<footer>© Example News</footer>`

const STYLE = `<style>body{margin:0;font:17px/1.6 Georgia,serif;color:#222;background:#fdfdfb}
header.site{display:flex;justify-content:space-between;padding:12px 24px;background:#123;color:#fff}
header.site a{color:#fff;margin-left:12px}main{max-width:42em;margin:0 auto;padding:24px}
.lead{font-size:1.2em}footer{padding:24px;text-align:center;color:#666}</style>`

/** Inline gated scripts record when they run; the probe (browser.mjs) reads window.__benchGated. */
const gatedBody = (category) => `(window.__benchGated=window.__benchGated||{})[${JSON.stringify(category)}]=performance.now()`

const html = ({ head = '', body = '' }) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
${head}
<meta name="viewport" content="width=device-width,initial-scale=1"><title>How small websites can stay fast</title>
${STYLE}
</head><body>
${ARTICLE}
${body}
</body></html>`

/** No banner at all: the baseline. The gated scripts stay inert (type="text/plain"). */
export function nonePage() {
  return html({
    body: OPTIONAL.map((c) => `<script type="text/plain" data-category="${c}">${gatedBody(c)}</script>`).join('\n'),
  })
}

/**
 * The after-paint loader exactly as README.md "Loading modes" prints it (the block after the
 * `<!-- after-paint loader -->` marker), with `src` as its data-src and `attrs` in place of its
 * data-config: benches and tests load what a site copies.
 */
export function afterPaintLoader(root, src, attrs = '') {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = /<!-- after-paint loader -->\s*```html\n([\s\S]*?)\n```/.exec(readme)?.[1]
  if (!block?.includes('data-src="/consentry/consentry.iife.js" data-config="/consent.json"'))
    throw new Error('README.md "Loading modes" no longer has the after-paint loader this page copies')
  return block.replace('data-src="/consentry/consentry.iife.js" data-config="/consent.json"', `data-src="${src}"${attrs ? ` ${attrs}` : ''}`)
}

/**
 * `config` as `npx consentry validate --stamp` leaves it (README.md "Script tag quick start"):
 * the built CLI run on a file, as a site's release step would, so the page needs no check chunk.
 * The browser tests stamp their configs with it too (test/browser/config-check.test.ts).
 */
export function stamp(config) {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-'))
  try {
    const file = join(dir, 'consent.json')
    writeFileSync(file, JSON.stringify(config))
    execFileSync(process.execPath, [join(ROOT, 'dist/consentry-cli.mjs'), 'validate', file, '--stamp'])
    return JSON.parse(readFileSync(file, 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Consentry: inline config first in <head>, then the IIFE build (README.md "Script tag quick
 * start"). `load`: "blocking" (that tag), "defer" (`<script defer>`) or "after-paint" (the loader
 * of README.md "Loading modes"; needs `root`). `stamped`: the config stamped by `consentry
 * validate --stamp`, as the quick start says to publish it; false for a config the browser
 * checks itself (the check chunk is fetched and run on a first visit).
 */
export function consentryPage({ layout = 'bar', position = 'bottom', receipts = false, load = 'blocking', root = '', stamped = true } = {}) {
  const plain = {
    policyUrl: '/privacy',
    categories: { necessary: { required: true }, functional: {}, analytics: {}, advertising: {} },
    ui: { layout, position },
    ...(receipts ? { receipts: { endpoint: '/receipts', controller: 'Example News Ltd', policyUrl: '/privacy' } } : {}),
  }
  const config = stamped ? stamp(plain) : plain
  return html({
    head: `<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>
${
  load === 'after-paint'
    ? afterPaintLoader(root, '/dist/consentry.iife.js')
    : `<script ${load === 'defer' ? 'defer ' : ''}src="/dist/consentry.iife.js"></script>`
}`,
    body: OPTIONAL.map((c) => `<script type="text/plain" data-category="${c}">${gatedBody(c)}</script>`).join('\n'),
  })
}

/**
 * vanilla-cookieconsent 3.1.0: stylesheet in <head>, UMD script and CookieConsent.run() at the end
 * of <body> (its "getting started"), bar layout at the bottom like Consentry's default.
 */
export function vanillaPage(t) {
  const section = (c) => ({ title: t.categories[c].title, description: t.categories[c].description, linkedCategory: c })
  const config = {
    hideFromBots: false,
    guiOptions: {
      consentModal: { layout: 'bar', position: 'bottom', equalWeightButtons: true, flipButtons: false },
      preferencesModal: { layout: 'box', equalWeightButtons: true },
    },
    categories: { necessary: { enabled: true, readOnly: true }, functional: {}, analytics: {}, advertising: {} },
    language: {
      default: 'en',
      translations: {
        en: {
          consentModal: {
            title: t.banner.title,
            description: `${t.banner.description} <a href="/privacy">${t.banner.policyLink}</a>`,
            acceptAllBtn: t.banner.acceptAll,
            acceptNecessaryBtn: t.banner.rejectAll,
            showPreferencesBtn: t.banner.preferences,
          },
          preferencesModal: {
            title: t.preferences.title,
            acceptAllBtn: t.preferences.acceptAll,
            acceptNecessaryBtn: t.preferences.rejectAll,
            savePreferencesBtn: t.preferences.save,
            closeIconLabel: t.preferences.close,
            sections: [{ title: t.preferences.title, description: t.preferences.description }, section('necessary'), ...OPTIONAL.map(section)],
          },
        },
      },
    },
  }
  return html({
    head: `<link rel="stylesheet" href="/vendor/vanilla/cookieconsent.css">`,
    body: `${OPTIONAL.map((c) => `<script type="text/plain" data-category="${c}">${gatedBody(c)}</script>`).join('\n')}
<script src="/vendor/vanilla/cookieconsent.umd.js"></script>
<script>CookieConsent.run(${JSON.stringify(config)})</script>`,
  })
}

/** Klaro services, one per purpose (Klaro gates by service). */
const KLARO_SERVICE = { necessary: 'session', functional: 'prefs', analytics: 'stats', advertising: 'ads' }

/**
 * Klaro 0.7.22: config and klaro.js (CSS included) as deferred scripts in <head> (its README),
 * the "wide" bottom notice, which is its closest to a bar.
 */
export function klaroPage(t) {
  const purposes = Object.fromEntries(['necessary', ...OPTIONAL].map((c) => [c, { title: t.categories[c].title, description: t.categories[c].description }]))
  const config = {
    version: 1,
    elementID: 'klaro',
    storageMethod: 'cookie',
    cookieName: 'klaro',
    cookieExpiresAfterDays: 182,
    default: false,
    mustConsent: false,
    acceptAll: true,
    hideDeclineAll: false,
    hideLearnMore: false,
    noticeAsModal: false,
    showNoticeTitle: true,
    groupByPurpose: true,
    htmlTexts: false,
    lang: 'en',
    styling: { theme: ['light', 'bottom', 'wide'] },
    translations: {
      en: {
        privacyPolicyUrl: '/privacy',
        privacyPolicy: { name: t.banner.policyLink, text: 'Read our {privacyPolicy}.' },
        consentNotice: { title: t.banner.title, description: `${t.banner.description} {privacyPolicy}`, learnMore: t.banner.preferences },
        consentModal: { title: t.preferences.title, description: t.preferences.description },
        ok: t.banner.acceptAll,
        acceptAll: t.preferences.acceptAll,
        acceptSelected: t.preferences.save,
        decline: t.banner.rejectAll,
        close: t.preferences.close,
        purposes,
        ...Object.fromEntries(Object.entries(KLARO_SERVICE).map(([c, s]) => [s, { title: t.categories[c].title, description: t.categories[c].description }])),
      },
    },
    services: Object.entries(KLARO_SERVICE).map(([c, name]) => ({ name, purposes: [c], required: c === 'necessary', default: false })),
  }
  return html({
    head: `<script>var klaroConfig=${JSON.stringify(config)}</script>
<script defer data-config="klaroConfig" src="/vendor/klaro/klaro.js"></script>`,
    body: OPTIONAL.map((c) => `<script type="text/plain" data-type="application/javascript" data-name="${KLARO_SERVICE[c]}">${gatedBody(c)}</script>`).join(
      '\n',
    ),
  })
}
