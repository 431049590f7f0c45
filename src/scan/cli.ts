// `consentry scan <url> [options]` (docs/scanner.md). Exit codes: 0 no violations,
// 1 violations, 2 bad usage or a scan that could not be done or finished.

import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config/types.js'
import { parseConfig } from '../config/validate.js'
import { ScanError } from './error.js'
import { formatMarkdown, formatText, progressLine } from './format.js'
import { DEFAULTS, scan, type ScanOptions } from './index.js'
import { CONSENTRY_ACCEPT, CONSENTRY_REJECT } from './phases.js'

const SCAN_USAGE = `Usage: consentry scan <url> [options]

Loads the site in Chromium three times, each in a fresh profile: before consent (no
click), after "Reject all", after "Accept all". Lists every cookie, storage key and
third-party host per phase, matched against the Open Cookie Database and the site's
config, reports what breaks the banner's promise, and drafts a config.

  --pages N               pages per phase, the start page included (default ${DEFAULTS.pages});
                          from sitemap.xml when the site has one, else from links
  --config FILE           the site's consent.json: what is declared (undeclared = violation)
  --format text|json|md   text: tables per phase; json: the full report; md: a cookie
                          declaration for a privacy page (default text)
  --out FILE              write the report there instead of stdout
  --draft FILE            write the config draft (passes consentry validate) there
  --accept-selector SEL   the Accept all button of another consent tool (Playwright selector;
                          default ${CONSENTRY_ACCEPT})
  --reject-selector SEL   the same for Reject all (default ${CONSENTRY_REJECT})
  --page-timeout S        seconds per page (default ${DEFAULTS.pageTimeoutMs / 1000})
  --max-time S            seconds for the whole scan (default ${DEFAULTS.maxTimeMs / 1000})
  --chromium PATH         the Chromium to drive (default: CONSENTRY_CHROMIUM, else the system's)
  --chromium-arg=ARG      an extra Chromium switch, repeatable (--chromium-arg=--proxy-server=…)
  --ignore-https-errors   scan a site whose TLS certificate is not trusted
  -h, --help              this text

Needs playwright-core (npm install --save-dev playwright-core@1.65.1) and a Chromium.
Exit codes: 0 no violations, 1 violations, 2 bad usage or the scan failed or did not finish.`

export interface ScanIo {
  out(text: string): void
  err(text: string): void
  read(file: string): string
  write?(file: string, text: string): void
  /** A progress line to draw over the last one; only given when stderr is a terminal. */
  progress?(line: string | null): void
  /** Test seam: the scan itself. */
  scan?: typeof scan
}

/** The progress line on stderr when it is a terminal (never in CI logs or pipes). */
export const ttyProgress = (stream: NodeJS.WriteStream): ScanIo['progress'] =>
  stream.isTTY ? (line) => stream.write(line === null ? '\r\x1b[K' : `\r\x1b[K${line.slice(0, (stream.columns || 80) - 1)}`) : undefined

const seconds = (text: string | undefined, name: string, fallback: number): number => {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new ScanError(`--${name} takes seconds, a number above 0 (got "${text}")`)
  return n * 1000
}

export async function runScan(args: string[], io: ScanIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        pages: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string', default: 'text' },
        out: { type: 'string' },
        draft: { type: 'string' },
        'accept-selector': { type: 'string' },
        'reject-selector': { type: 'string' },
        'page-timeout': { type: 'string' },
        'max-time': { type: 'string' },
        chromium: { type: 'string' },
        'chromium-arg': { type: 'string', multiple: true },
        'ignore-https-errors': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    io.err(`consentry scan: ${(error as Error).message}\n\n${SCAN_USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.out(SCAN_USAGE)
    return 0
  }
  const format = values.format
  const json = format === 'json'
  const fail = (message: string, usage = false): number => {
    io.err(`consentry scan: ${message}${usage ? `\n\n${SCAN_USAGE}` : ''}`)
    if (json && !usage) io.out(JSON.stringify({ url: positionals[0] ?? null, error: message }, null, 2))
    return 2
  }
  if (positionals.length !== 1) return fail(positionals.length ? `one URL at a time (got ${positionals.length})` : 'no URL given', true)
  if (format !== 'text' && format !== 'json' && format !== 'md') return fail(`unknown --format "${format}" (text, json or md)`, true)

  let options: ScanOptions
  try {
    let pages = DEFAULTS.pages
    if (values.pages !== undefined) {
      pages = Number(values.pages)
      if (!Number.isInteger(pages) || pages < 1 || pages > 10_000) throw new ScanError(`--pages takes a whole number from 1 to 10000 (got "${values.pages}")`)
    }
    let config: Config | undefined
    if (values.config !== undefined) {
      let text: string
      try {
        text = io.read(values.config)
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
        throw new ScanError(`cannot read ${values.config}: ${reason}`)
      }
      const { config: valid, problems } = parseConfig(text)
      if (!valid)
        throw new ScanError(
          `${values.config} is not a valid Consentry config (consentry validate ${values.config} says where): ${problems
            .slice(0, 3)
            .map((p) => `${p.path || '(root)'}: ${p.message}`)
            .join('; ')}${problems.length > 3 ? '; …' : ''}`,
        )
      config = valid
    }
    options = {
      url: positionals[0],
      pages,
      config,
      pageTimeoutMs: seconds(values['page-timeout'], 'page-timeout', DEFAULTS.pageTimeoutMs),
      maxTimeMs: seconds(values['max-time'], 'max-time', DEFAULTS.maxTimeMs),
      acceptSelector: values['accept-selector'],
      rejectSelector: values['reject-selector'],
      chromium: values.chromium,
      chromiumArgs: values['chromium-arg'],
      ignoreHttpsErrors: values['ignore-https-errors'],
      progress: io.progress && ((event) => io.progress!(progressLine(event))),
    }
  } catch (error) {
    if (error instanceof ScanError) return fail(error.message, true)
    throw error
  }

  let report
  try {
    report = await (io.scan ?? scan)(options)
  } catch (error) {
    if (error instanceof ScanError) return fail(error.message)
    return fail(`the scan failed: ${(error as Error).message.split('\n')[0]}`)
  } finally {
    io.progress?.(null)
  }

  const text = json ? JSON.stringify(report, null, 2) : format === 'md' ? formatMarkdown(report) : formatText(report)
  const write = io.write ?? ((file: string, content: string) => writeFileSync(file, content))
  try {
    if (values.draft) write(values.draft, JSON.stringify(report.draft, null, 2) + '\n')
    if (values.out) write(values.out, text + '\n')
  } catch (error) {
    return fail(`cannot write: ${(error as Error).message}`)
  }
  const summary = `${report.violations.length ? `✖ ${report.violations.length} violation${report.violations.length === 1 ? '' : 's'}` : '✔ no violations'}: ${report.cookies.length} cookie records, ${report.storage.length} storage keys, ${report.requests.length} third-party hosts on ${report.pages.length} page${report.pages.length === 1 ? '' : 's'} × 3 phases`
  if (values.out) io.out(`${summary}; report in ${values.out}${values.draft ? `, draft in ${values.draft}` : ''}`)
  else {
    io.out(text)
    if (values.draft) io.err(`draft config in ${values.draft}`)
  }
  if (report.violations.length) return 1
  if (!report.complete) {
    io.err('consentry scan: the scan did not finish within --max-time, so "no violations" covers only what it saw (exit 2)')
    return 2
  }
  return 0
}
