// Charts drawn by uPlot (a small canvas charting library; README, "Console"). The canvas is
// hidden from assistive technology: each chart's numbers are in the table beside it, and its
// legend is plain HTML. Colours come from the stylesheet's custom properties, so light and dark
// follow the CSS; the console draws again when the scheme changes.

import uPlot from 'uplot'
import { h } from './dom.js'

interface ChartSeries {
  label: string
  values: (number | null)[]
  /** A CSS custom property of console.css, e.g. --accept. */
  color: string
  kind: 'bar' | 'line'
  dashed?: boolean
}

export interface ChartSpec {
  /** Time (UTC midnight, seconds) for a time axis, or 0 … n−1 with `labels` for categories. */
  x: number[]
  labels?: string[]
  /** Drawn in this order: for stacked bars give the tallest (cumulative) series first. */
  series: ChartSeries[]
  yFormat?: (value: number) => string
  yMax?: number
  /** The legend, in reading order (may differ from the drawing order). */
  legend: { label: string; color: string; kind: 'bar' | 'line' }[]
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
const DAY = 86_400
/** The chart drawn in each figure, by figure; its plot element is the chart's own. */
const charts = new Map<HTMLElement, { chart: uPlot; plot: HTMLElement }>()
const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC')
/** Ticks on whole days only (the data is per UTC day), spaced out as the range grows. */
const DAY_STEPS = [1, 2, 7, 14, 28, 91, 182, 364].map((d) => d * DAY)
const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' })
const yearLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })

/**
 * Fills a `<figure>`: the chart (hidden from assistive technology), its legend, and the table of
 * its numbers behind a "Data table" disclosure. Replaces what the figure held.
 */
export function drawFigure(figure: HTMLElement, spec: ChartSpec, caption: string, table: HTMLElement): void {
  charts.get(figure)?.chart.destroy()
  const plot = h('div', { class: 'plot', 'aria-hidden': 'true' })
  figure.replaceChildren(
    plot,
    legend(spec.legend),
    h('details', { class: 'table' }, h('summary', {}, 'Data table'), table),
    h('figcaption', { class: 'visually-hidden' }, caption),
  )
  const host = figure
  const ordinal = spec.labels !== undefined
  const text = css('--text-muted')
  const grid = css('--grid')
  const font = `12px ${css('--font') || 'system-ui, sans-serif'}`
  const max = Math.max(1, ...spec.series.flatMap((s) => s.values.map((v) => v ?? 0)))
  const narrow = host.clientWidth < 480
  const bars = uPlot.paths.bars!({ size: [ordinal ? 0.6 : 0.8, 56], align: 0 })
  const first = spec.x[0] ?? 0
  const last = spec.x[spec.x.length - 1] ?? 0
  const opts: uPlot.Options = {
    width: Math.max(200, host.clientWidth),
    height: narrow ? 200 : 260,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    tzDate: utc,
    scales: {
      x: ordinal ? { time: false, range: [-0.5, spec.x.length - 0.5] } : { time: true, range: [first - DAY / 2, last + DAY / 2] },
      y: { range: [0, spec.yMax ?? max * 1.1] },
    },
    axes: [
      {
        stroke: text,
        font,
        grid: { show: false },
        ticks: { stroke: grid, width: 1 },
        ...(ordinal
          ? { splits: () => spec.x, values: (_u: uPlot, splits: number[]) => splits.map((i) => spec.labels![i] ?? '') }
          : {
              incrs: DAY_STEPS,
              space: 56,
              // The year on the first tick and where it changes; not on the first of a phone's
              // narrow axis, where "Mar 1, 2026" would run into the next tick.
              values: (u: uPlot, splits: number[]) =>
                splits.map((t, i) =>
                  ((i === 0 && u.width >= 480) || (i > 0 && new Date(t * 1e3).getUTCFullYear() !== new Date(splits[i - 1]! * 1e3).getUTCFullYear())
                    ? yearLabel
                    : dayLabel
                  ).format(t * 1e3),
                ),
            }),
      },
      {
        stroke: text,
        font,
        size: 56,
        grid: { stroke: grid, width: 1 },
        ticks: { show: false },
        ...(spec.yFormat ? { values: (_u: uPlot, splits: number[]) => splits.map(spec.yFormat!) } : {}),
      },
    ],
    series: [
      {},
      ...spec.series.map((s): uPlot.Series => {
        const color = css(s.color)
        return s.kind === 'bar'
          ? { label: s.label, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } }
          : {
              label: s.label,
              stroke: color,
              width: 2,
              dash: s.dashed ? [6, 4] : [],
              points: { show: spec.x.length <= 62, size: 6, fill: color, stroke: color },
              spanGaps: false,
            }
      }),
    ],
  }
  charts.set(figure, { chart: new uPlot(opts, [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, plot), plot })
}

/** Resizes every chart to its host's width (phones, rotation, a resized window). */
export function fitCharts(): void {
  for (const [host, { chart }] of charts) {
    const width = Math.max(200, host.clientWidth)
    if (Math.abs(chart.width - width) > 1) chart.setSize({ width, height: width < 480 ? 200 : 260 })
  }
}

const legend = (items: ChartSpec['legend']): HTMLElement =>
  h('ul', { class: 'legend' }, ...items.map((i) => h('li', {}, h('span', { class: `swatch ${i.kind} ${i.color.slice(2)}`, 'aria-hidden': 'true' }), i.label)))
