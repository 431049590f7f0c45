// Screenshot comparison against committed baselines, done by Chromium itself: both PNGs are
// decoded on a canvas and compared pixel by pixel, so no image library is needed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Browser, Page } from 'playwright-core'

/** Where the committed baselines live (written by UPDATE_SCREENSHOTS=1, or when missing outside CI). */
const BASELINES = join('test', 'browser', 'baselines')
/** Where a failed comparison leaves the actual picture and a diff to look at (gitignored). */
const RESULTS = join('test-results', 'screenshots')

/**
 * A pixel counts as changed when a channel moves by more than `channel` (0–255): font
 * anti-aliasing wobbles by a few steps; a colour, a border or a moved box does not.
 */
export interface Tolerance {
  channel: number
  /** Share of the picture's pixels that may change, 0–1. */
  share: number
}
const DEFAULT_TOLERANCE: Tolerance = { channel: 32, share: 0.0005 }

export interface Difference {
  changed: number
  total: number
  /** A PNG with the changed pixels in magenta over a faded copy of the baseline. */
  diff: Buffer
}

/** Counts the pixels of `actual` that differ from `expected` (pictures of another size differ everywhere). */
export async function difference(browser: Browser, expected: Buffer, actual: Buffer, channel: number): Promise<Difference> {
  const page = await browser.newPage()
  try {
    const result = await page.evaluate(
      async ([a, b, channel]) => {
        const decode = async (base64: string) => {
          const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob())
          const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!
          ctx.drawImage(bitmap, 0, 0)
          return ctx.getImageData(0, 0, bitmap.width, bitmap.height)
        }
        const [x, y] = await Promise.all([decode(a), decode(b)])
        const total = Math.max(x.width * x.height, y.width * y.height)
        const out = new ImageData(x.width, x.height)
        let changed = 0
        if (x.width !== y.width || x.height !== y.height) changed = total
        else
          for (let i = 0; i < x.data.length; i += 4) {
            const moved =
              Math.abs(x.data[i] - y.data[i]) > channel ||
              Math.abs(x.data[i + 1] - y.data[i + 1]) > channel ||
              Math.abs(x.data[i + 2] - y.data[i + 2]) > channel
            if (moved) changed++
            const grey = 255 - (255 - (x.data[i] + x.data[i + 1] + x.data[i + 2]) / 3) / 4
            out.data.set(moved ? [255, 0, 255, 255] : [grey, grey, grey, 255], i)
          }
        const canvas = new OffscreenCanvas(x.width, x.height)
        canvas.getContext('2d')!.putImageData(out, 0, 0)
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer())
        let binary = ''
        for (const byte of bytes) binary += String.fromCharCode(byte)
        return { changed, total, diff: btoa(binary) }
      },
      [expected.toString('base64'), actual.toString('base64'), channel] as const,
    )
    return { ...result, diff: Buffer.from(result.diff, 'base64') }
  } finally {
    await page.close()
  }
}

/**
 * Takes a screenshot of `page` and compares it with the baseline `name`.png in BASELINES, or
 * with the file `name` when it is a path ending in .png (docs/img/). Returns a
 * message when it differs by more than the tolerance (with the picture and a diff left in
 * test-results/screenshots/), else undefined. A missing baseline is written, except under CI,
 * where it is a failure: a run that only writes pictures checks nothing.
 */
export async function matchesBaseline(
  browser: Browser,
  page: Page,
  name: string,
  /** `compareOnly`: never write the baseline (a test that checks that a change is caught). */
  options: { clip?: { x: number; y: number; width: number; height: number }; tolerance?: Tolerance; compareOnly?: boolean } = {},
): Promise<string | undefined> {
  const { clip, tolerance = DEFAULT_TOLERANCE, compareOnly } = options
  const file = name.endsWith('.png') ? name : join(BASELINES, `${name}.png`)
  name = basename(file, '.png')
  const actual = await page.screenshot({ clip })
  const update = !!process.env.UPDATE_SCREENSHOTS && !compareOnly
  if (update || (!compareOnly && !existsSync(file))) {
    if (!update && process.env.CI) return `${file} is missing (run UPDATE_SCREENSHOTS=1 npx vitest run --project browser and commit it)`
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, actual)
    return undefined
  }
  const expected = readFileSync(file)
  // Chromium encodes the same pixels to the same bytes: an identical file needs no decoding.
  if (actual.equals(expected)) return undefined
  const { changed, total, diff } = await difference(browser, expected, actual, tolerance.channel)
  if (changed <= tolerance.share * total) return undefined
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, `${name}.actual.png`), actual)
  writeFileSync(join(RESULTS, `${name}.diff.png`), diff)
  return `${name}: ${changed} of ${total} pixels differ from ${file} (allowed ${Math.floor(tolerance.share * total)}); see ${RESULTS}/${name}.actual.png and .diff.png, or UPDATE_SCREENSHOTS=1 if the change is meant`
}
