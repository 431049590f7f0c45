// `scan(options)`: the cookie scanner's whole run, Node only (dist/consentry-cli.mjs loads
// it on `consentry scan`; no browser build imports it). Launch Chromium, find the pages,
// run the three phases, then match, judge and draft.

import type { Config } from '../config/types.js'
import { analyse } from './analyse.js'
import { findChromium, launch, loadChromium } from './chromium.js'
import { sitemapPages } from './crawl.js'
import { declarations } from './declared.js'
import { draft } from './draft.js'
import { ScanError } from './error.js'
import { CONSENTRY_ACCEPT, CONSENTRY_REJECT, runPhases, type Progress } from './phases.js'
import { Deadline, withTimeout } from './time.js'
import type { ScanReport } from './types.js'

export interface ScanOptions {
  url: string
  /** Pages per phase, the start page included (default 10). */
  pages?: number
  /** The site's config: what is declared, and the base of the draft. */
  config?: Config
  /** Per page: loading, settling and reading (default 30 s). */
  pageTimeoutMs?: number
  /** The whole scan (default 10 minutes). */
  maxTimeMs?: number
  /** Playwright selectors for the consent buttons (default: Consentry's banner). */
  acceptSelector?: string
  rejectSelector?: string
  /** Chromium executable; else CONSENTRY_CHROMIUM, else the system's. */
  chromium?: string
  /** Extra Chromium switches (a proxy, host resolver rules). */
  chromiumArgs?: string[]
  ignoreHttpsErrors?: boolean
  env?: NodeJS.ProcessEnv
  /** How playwright-core is imported (tests replace it). */
  loadPlaywright?: () => Promise<unknown>
  progress?(event: Progress): void
}

export const DEFAULTS = { pages: 10, pageTimeoutMs: 30_000, maxTimeMs: 600_000 }

/** The start URL, if it is one a browser can scan. */
function startUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ScanError(`"${text}" is not a URL: give the full address, such as https://example.com/`)
  }
  if (!/^https?:$/.test(url.protocol)) throw new ScanError(`${text}: only http and https pages can be scanned`)
  return url
}

export async function scan(options: ScanOptions): Promise<ScanReport> {
  const start = startUrl(options.url)
  const pages = options.pages ?? DEFAULTS.pages
  const pageMs = options.pageTimeoutMs ?? DEFAULTS.pageTimeoutMs
  const decl = declarations(options.config)
  const chromium = await loadChromium(options.loadPlaywright)
  const browser = await launch(chromium, findChromium(chromium, options.chromium, options.env), options.chromiumArgs ?? [])
  // The total limit counts from a running browser (its start has a bound of its own).
  const deadline = Deadline.in(options.maxTimeMs ?? DEFAULTS.maxTimeMs)
  const warnings: string[] = []
  const scannedAt = new Date().toISOString()
  try {
    let sitemap: string[] = []
    if (pages > 1) {
      // A throwaway profile: whatever the sitemap's answer sets stays out of the phases.
      const context = await browser.newContext({ ignoreHTTPSErrors: !!options.ignoreHttpsErrors })
      sitemap = await sitemapPages(start.origin, pages, async (url) => {
        const timeout = Math.max(1, Math.min(10_000, deadline.left()))
        const response = await withTimeout(context.request.get(url, { timeout, maxRedirects: 3, failOnStatusCode: false }), timeout, undefined)
        return response?.ok() ? withTimeout(response.text(), timeout, undefined) : undefined
      })
      await withTimeout(context.close(), 5_000, undefined)
    }
    const crawl = await runPhases({
      browser,
      start: start.href,
      pages,
      sitemap,
      pageMs,
      deadline,
      acceptSelector: options.acceptSelector ?? CONSENTRY_ACCEPT,
      rejectSelector: options.rejectSelector ?? CONSENTRY_REJECT,
      ignoreHttpsErrors: !!options.ignoreHttpsErrors,
      warn: (message) => warnings.push(message),
      progress: options.progress,
    })
    if (!crawl.complete)
      warnings.push(
        `stopped at the total time limit (--max-time ${Math.round((options.maxTimeMs ?? DEFAULTS.maxTimeMs) / 1000)} s): some pages of some phases were not visited`,
      )
    const findings = analyse(crawl.records, decl, new URL(crawl.pages[0]).hostname, !!options.config)
    return {
      url: start.href,
      scannedAt,
      pages: crawl.pages,
      cookies: findings.cookies,
      storage: findings.storage,
      requests: findings.requests,
      violations: findings.violations,
      declaredNotSeen: findings.declaredNotSeen,
      warnings: [...new Set([...warnings, ...findings.warnings])],
      complete: crawl.complete,
      draft: draft(findings, options.config, scannedAt, new URL(crawl.pages[0]).host),
    }
  } finally {
    await withTimeout(browser.close(), 10_000, undefined)
  }
}

export type * from './types.js'
