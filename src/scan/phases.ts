// The three phases, each in a fresh browser profile (a new context: no cookies, no
// storage): `before-consent` loads and browses without a click and finds the pages;
// `after-reject` and `after-accept` load the start page, click the banner's button,
// then browse the same pages. Every wait is bounded by the page's time limit and the
// scan's total one.

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { Frontier, LINKS_PER_PAGE } from './crawl.js'
import { ScanError } from './error.js'
import { recorder, type PhaseRecord, type Recorder } from './record.js'
import { type Deadline, withTimeout } from './time.js'
import type { Phase } from './types.js'

/** Longest wait for the network to go quiet after `load` (some pages poll forever). */
const IDLE_MS = 5_000
/** Longest wait for the consent button to appear. */
const BUTTON_MS = 10_000
/** Bound for reading the cookie jar, storage and links of a loaded page. */
const READ_MS = 5_000

/** Consentry's first layer: `data-action` buttons inside the open shadow root of #consentry-root (Playwright's CSS pierces it). */
export const CONSENTRY_ACCEPT = '#consentry-root [data-action="accept-all"]'
export const CONSENTRY_REJECT = '#consentry-root [data-action="reject-all"]'

export interface Progress {
  phase: Phase
  /** 1-based visits done in this phase, and how many it will make (known once the first phase found the pages). */
  done: number
  total: number
  url: string
}

export interface PhaseOptions {
  browser: Browser
  start: string
  /** Pages to visit at most, the start page included. */
  pages: number
  /** Pages from the site's sitemap (empty: follow links). */
  sitemap: string[]
  pageMs: number
  deadline: Deadline
  acceptSelector: string
  rejectSelector: string
  ignoreHttpsErrors: boolean
  warn(message: string): void
  progress?(event: Progress): void
}

export interface Crawl {
  pages: string[]
  records: PhaseRecord[]
  /** False when the total time limit left visits out. */
  complete: boolean
}

const firstLine = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .split('\n')[0]
    .replace(/^page\.goto: /, '')
    .replace(/ at \S+$/, '')
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

type Visit = { ok: true; url: string } | { ok: false; reason: string; fatal: boolean }

/** Loads `url` within the page's time limit; a page that never finishes loading is recorded as it is then. */
async function load(page: Page, url: string, limit: Deadline, options: PhaseOptions): Promise<Visit> {
  const started = Date.now()
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: Math.max(1, limit.left()) })
    if (response && response.status() >= 400) return { ok: false, reason: `${url} answered HTTP ${response.status()}`, fatal: false }
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') {
      const reason = firstLine(error)
      const tls = /ERR_CERT|ERR_SSL/.test(reason) ? ' (its TLS certificate is not valid here; --ignore-https-errors scans it anyway)' : ''
      return { ok: false, reason: `cannot load ${url}: ${reason}${tls}`, fatal: true }
    }
    // The page's own limit, or what was left of the scan's when that came first.
    const which =
      limit.at - started < options.pageMs - 50 ? `${seconds(limit.at - started)} (what was left of --max-time)` : `${seconds(options.pageMs)} (--page-timeout)`
    if (page.url() === 'about:blank') return { ok: false, reason: `${url} sent no page within ${which}`, fatal: true }
    options.warn(`${url} did not finish loading within ${which}: recorded as it was then`)
    return { ok: true, url: page.url() }
  }
  await withTimeout(page.waitForLoadState('networkidle', { timeout: Math.max(1, Math.min(IDLE_MS, limit.left())) }), IDLE_MS, undefined)
  return { ok: true, url: page.url() }
}

/** Quiet time that counts as "settled" (as Playwright's networkidle). */
const QUIET_MS = 500

/**
 * Waits until `page` has had no request in flight for QUIET_MS, for at most `ms`.
 * After a click Playwright's `networkidle` would not do: it is a state of the document,
 * reached once after load and then answered at once, before what the click started.
 */
function quietness(page: Page): (ms: number) => Promise<void> {
  let inflight = 0
  let last = Date.now()
  page.on('request', () => {
    inflight++
    last = Date.now()
  })
  const done = () => {
    inflight = Math.max(0, inflight - 1)
    last = Date.now()
  }
  page.on('requestfinished', done)
  page.on('requestfailed', done)
  return (ms) =>
    new Promise((resolve) => {
      const end = Date.now() + ms
      last = Math.max(last, Date.now())
      const check = () => {
        const now = Date.now()
        if ((inflight === 0 && now - last >= QUIET_MS) || now >= end) return resolve()
        setTimeout(check, Math.min(100, end - now))
      }
      check()
    })
}

/** Even a page that used up its time limit loading gets this long to show its button and take the click. */
const CLICK_GRACE_MS = 2_000

/** Clicks the first visible match of `selector`; false when there is none in time. */
async function decide(page: Page, selector: string, limit: Deadline, quiet: (ms: number) => Promise<void>): Promise<boolean> {
  const button = page.locator(selector).filter({ visible: true }).first()
  const wait = Math.max(CLICK_GRACE_MS, Math.min(BUTTON_MS, limit.left()))
  try {
    await button.waitFor({ state: 'visible', timeout: wait })
    await button.click({ timeout: wait })
  } catch {
    return false
  }
  // The banner goes away, then whatever the decision let run loads.
  await withTimeout(button.waitFor({ state: 'hidden', timeout: Math.max(1, Math.min(IDLE_MS, limit.left())) }), IDLE_MS, undefined)
  await withTimeout(page.waitForLoadState('load', { timeout: Math.max(1, Math.min(IDLE_MS, limit.left())) }), IDLE_MS, undefined)
  await quiet(Math.max(CLICK_GRACE_MS, Math.min(IDLE_MS, limit.left())))
  return true
}

async function links(page: Page, options: PhaseOptions): Promise<string[]> {
  const found = await withTimeout(
    page.evaluate((max) => {
      const out: string[] = []
      for (const a of document.querySelectorAll('a[href]')) {
        if (out.length >= max) break
        out.push((a as HTMLAnchorElement).href)
      }
      return out
    }, LINKS_PER_PAGE),
    READ_MS,
    undefined,
  )
  if (!found) options.warn(`could not read the links of ${page.url()} within ${seconds(READ_MS)} (its page did not answer): no pages found there`)
  return found ?? []
}

async function open(
  options: PhaseOptions,
  phase: Phase,
): Promise<{ context: BrowserContext; page: Page; rec: Recorder; quiet: (ms: number) => Promise<void> }> {
  const context = await options.browser.newContext({ ignoreHTTPSErrors: options.ignoreHttpsErrors })
  const rec = await recorder(context, phase)
  const page = await context.newPage()
  return { context, page, rec, quiet: quietness(page) }
}

/** Bound for the Set-Cookie headers still being read (a response that never ends may never give them). */
const HEADERS_MS = 2_000

async function finish(context: BrowserContext, rec: Recorder): Promise<void> {
  await rec.settle(HEADERS_MS)
  await withTimeout(context.close(), READ_MS, undefined)
}

/** Before consent: visits the start page (it must load), then up to `pages` pages found on the way. */
async function discover(options: PhaseOptions): Promise<{ pages: string[]; record: PhaseRecord; complete: boolean }> {
  const { context, page, rec } = await open(options, 'before-consent')
  try {
    const first = await load(page, options.start, options.deadline.within(options.pageMs), options)
    if (!first.ok) throw new ScanError(first.reason)
    const pageUrl = new URL(first.url)
    pageUrl.hash = ''
    const frontier = new Frontier(pageUrl.origin, options.pages)
    const pages = [pageUrl.href]
    frontier.visited(options.start)
    frontier.visited(pageUrl.href)
    const total = () => (options.sitemap.length ? Math.min(options.pages, options.sitemap.length + 1) : options.pages)
    options.progress?.({ phase: 'before-consent', done: 1, total: total(), url: pageUrl.href })
    if (options.sitemap.length) frontier.add(options.sitemap)
    else frontier.add(await links(page, options))
    await rec.snapshot(page, READ_MS)
    let complete = true
    for (let url = frontier.next(); url && pages.length < options.pages; url = frontier.next()) {
      if (options.deadline.passed()) {
        complete = false
        break
      }
      const visit = await load(page, url, options.deadline.within(options.pageMs), options)
      if (!visit.ok) {
        options.warn(visit.reason)
        continue
      }
      pages.push(url)
      options.progress?.({ phase: 'before-consent', done: pages.length, total: total(), url })
      if (!options.sitemap.length) frontier.add(await links(page, options))
      await rec.snapshot(page, READ_MS)
    }
    return { pages, record: rec.record, complete }
  } finally {
    await finish(context, rec)
  }
}

/** After a click on `selector` on the first page: the same pages, recorded from the click on. */
async function decided(options: PhaseOptions, phase: Phase, selector: string, pages: string[]): Promise<{ record: PhaseRecord; complete: boolean }> {
  const { context, page, rec, quiet } = await open(options, phase)
  let clicked = false
  try {
    for (const [i, url] of pages.entries()) {
      if (options.deadline.passed()) return { record: rec.record, complete: false }
      const limit = options.deadline.within(options.pageMs)
      const visit = await load(page, url, limit, options)
      if (!visit.ok) {
        options.warn(`${phase}: ${visit.reason}`)
        continue
      }
      // On the first page that loads: the decision is what this phase is about.
      if (!clicked) {
        clicked = true
        if (!(await decide(page, selector, limit, quiet)))
          options.warn(
            `${phase}: no visible ${selector} on ${url} within ${seconds(Math.max(CLICK_GRACE_MS, Math.min(BUTTON_MS, options.pageMs)))}: this phase browsed without a decision`,
          )
      }
      options.progress?.({ phase, done: i + 1, total: pages.length, url })
      await rec.snapshot(page, READ_MS)
    }
    return { record: rec.record, complete: true }
  } finally {
    await finish(context, rec)
  }
}

export async function runPhases(options: PhaseOptions): Promise<Crawl> {
  const before = await discover(options)
  const reject = await decided(options, 'after-reject', options.rejectSelector, before.pages)
  const accept = await decided(options, 'after-accept', options.acceptSelector, before.pages)
  return { pages: before.pages, records: [before.record, reject.record, accept.record], complete: before.complete && reject.complete && accept.complete }
}
