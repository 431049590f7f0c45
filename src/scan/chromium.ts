// The browser a scan drives: playwright-core (an optional peer dependency, so that
// the browser SDK's install stays small) and a Chromium already on the machine —
// `--chromium PATH`, else CONSENTRY_CHROMIUM, else the usual system paths, else a
// browser Playwright downloaded. Never a download of its own.

import { existsSync } from 'node:fs'
import type { Browser, BrowserType } from 'playwright-core'
import { ScanError } from './error.js'

/** Headless, and quiet: no update checks, sync or other traffic of the browser's own in the record. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
]

const PLAYWRIGHT_MISSING =
  'consentry scan drives Chromium through playwright-core, which is not installed: npm install --save-dev playwright-core@1.65.1 (an optional peer dependency of consentry; no browser download needed)'

/** playwright-core's Chromium driver, or a ScanError that says how to install it. */
export async function loadChromium(load: () => Promise<unknown> = () => import('playwright-core')): Promise<BrowserType> {
  let mod: { chromium?: BrowserType; default?: { chromium?: BrowserType } }
  try {
    mod = (await load()) as typeof mod
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new ScanError(PLAYWRIGHT_MISSING)
    throw new ScanError(`playwright-core failed to load: ${(error as Error).message}`)
  }
  const chromium = mod.chromium ?? mod.default?.chromium
  if (!chromium) throw new ScanError('playwright-core has no chromium export: consentry scan needs playwright-core 1.x')
  return chromium
}

/** The Chromium executable to launch. */
export function findChromium(chromium: BrowserType, given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  for (const [path, from] of [
    [given, '--chromium'],
    [env.CONSENTRY_CHROMIUM, 'CONSENTRY_CHROMIUM'],
  ] as const) {
    if (!path) continue
    if (!existsSync(path)) throw new ScanError(`no Chromium at ${path} (given by ${from})`)
    return path
  }
  const system = SYSTEM_PATHS.find((path) => existsSync(path))
  if (system) return system
  let downloaded: string | undefined
  try {
    downloaded = chromium.executablePath()
  } catch {
    downloaded = undefined
  }
  if (downloaded && existsSync(downloaded)) return downloaded
  throw new ScanError(
    `no Chromium found (looked in ${SYSTEM_PATHS.slice(0, 5).join(', ')}): install one (Debian/Ubuntu: apt install chromium) and give its path with --chromium PATH or CONSENTRY_CHROMIUM`,
  )
}

export async function launch(chromium: BrowserType, executablePath: string, extraArgs: string[]): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 60_000 })
  } catch (error) {
    const message = (error as Error).message.split('\n').find((line) => line.trim()) ?? 'unknown error'
    throw new ScanError(`Chromium at ${executablePath} did not start: ${message}`)
  }
}
