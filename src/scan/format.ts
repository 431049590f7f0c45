// The report for people: a terminal table per phase (`--format text`) and a cookie
// declaration for a privacy page (`--format md`). `--format json` is the report as is.

import { subjectKey } from '../config/subject.js'
import type { Config, CookieInfo } from '../config/types.js'
import { PHASES, type Phase, type ScanCookie, type ScanReport } from './types.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** How long a cookie lives from the scan on: "session", "59 minutes", "1 day", "2 years". */
export function lifetime(expires: string | null, from: string): string {
  if (!expires) return 'session'
  const s = (Date.parse(expires) - Date.parse(from)) / 1000
  if (s <= 0) return 'expired'
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, unit] of units) if (s >= size * 0.95) return plural(Math.max(1, Math.round(s / size)), unit)
  return plural(Math.round(s), 'second')
}

/** Columns padded to their widest cell; cells cut at `max` characters. */
export function table(rows: string[][], max = 48): string[] {
  const cut = rows.map((row) => row.map((cell) => (cell.length > max ? cell.slice(0, max - 1) + '…' : cell)))
  const widths = cut[0].map((_, i) => Math.max(...cut.map((row) => row[i].length)))
  return cut.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  )
}

const declaredText = (d: { category: string; service: string } | null, own = false) => (d ? subjectKey(d.category, d.service) : own ? '(Consentry)' : '—')
const matchText = (m: ScanCookie['match']) => (m ? `${m.platform || m.controller || 'generic'} (${m.category})` : '—')
const setByText = (c: ScanCookie) => (c.setBy ? `${c.setBy.via === 'header' ? 'Set-Cookie' : 'script'} ${c.setBy.url}` : '—')

export function formatText(report: ScanReport): string {
  const out: string[] = [`Cookie scan of ${report.url} (${report.scannedAt})`, `${plural(report.pages.length, 'page')}: ${report.pages.join(' ')}`]
  for (const phase of PHASES) {
    const cookies = report.cookies.filter((c) => c.phase === phase)
    const storage = report.storage.filter((s) => s.phase === phase)
    const requests = report.requests.filter((r) => r.phase === phase)
    out.push('', `${phase}: ${plural(cookies.length, 'cookie')}, ${plural(storage.length, 'storage key')}, ${plural(requests.length, 'third-party host')}`)
    if (cookies.length)
      out.push(
        ...table([
          ['COOKIE', 'DOMAIN', 'EXPIRES', 'CATEGORY', 'DECLARED', 'OPEN COOKIE DATABASE', 'SET BY'],
          ...cookies.map((c) => [
            c.name,
            c.domain,
            lifetime(c.expires, report.scannedAt),
            c.category ?? '?',
            declaredText(c.declared, c.categorisedBy === 'consentry'),
            matchText(c.match),
            setByText(c),
          ]),
        ]).map((line) => '  ' + line),
      )
    if (storage.length)
      out.push(
        ...table([
          ['STORAGE KEY', 'KIND', 'ORIGIN', 'CATEGORY', 'DECLARED', 'OPEN COOKIE DATABASE'],
          ...storage.map((s) => [s.key, s.kind, s.origin, s.category ?? '?', declaredText(s.declared, s.categorisedBy === 'consentry'), matchText(s.match)]),
        ]).map((line) => '  ' + line),
      )
    if (requests.length)
      out.push(
        ...table([['THIRD-PARTY HOST', 'REQUESTS', 'DECLARED'], ...requests.map((r) => [r.host, String(r.count), declaredText(r.declared)])]).map(
          (line) => '  ' + line,
        ),
      )
  }
  if (report.declaredNotSeen.length) {
    out.push('', 'Declared in the config, never seen:')
    for (const n of report.declaredNotSeen) out.push(`  ${n.subject} ${n.name} (${n.category}:${n.service})`)
  }
  if (report.warnings.length) {
    out.push('', 'Warnings:')
    for (const w of report.warnings) out.push(`  ${w}`)
  }
  out.push('')
  if (report.violations.length) {
    out.push(`✖ ${plural(report.violations.length, 'violation')}`)
    out.push(
      ...table(
        report.violations.map((v) => [v.kind, v.message]),
        200,
      ).map((line) => '  ' + line),
    )
  } else out.push(`✔ no violations${report.complete ? '' : ' in what was scanned (the scan did not finish)'}`)
  return out.join('\n')
}

const md = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ')

interface Described {
  category: string
  service: string
  title: string
  provider?: string
  purpose?: string
  duration?: string
}

/** The draft's entry for a cookie or key (it holds the config's declarations and the database's matches). */
function describe(config: Config, name: string, field: 'cookies' | 'storage'): Described | undefined {
  for (const [category, c] of Object.entries(config.categories ?? {}))
    for (const [service, s] of Object.entries(c.services ?? {}))
      for (const item of s[field] ?? []) {
        const info: CookieInfo = typeof item === 'string' ? { name: item } : item
        const hit = /^\/.+\/$/.test(info.name) ? new RegExp(info.name.slice(1, -1)).test(name) : info.name === name
        if (hit)
          return {
            category,
            service,
            title: s.title ?? service,
            provider: info.provider ?? s.provider,
            purpose: info.purpose ?? s.description,
            duration: info.duration,
          }
      }
  return undefined
}

const PHASE_TITLE: Record<Phase, string> = { 'before-consent': 'before consent', 'after-reject': 'after “Reject all”', 'after-accept': 'after “Accept all”' }

/** A cookie declaration for a privacy page, by category, then the findings for the site team. */
export function formatMarkdown(report: ScanReport): string {
  const host = new URL(report.url).host
  const out = [
    `# Cookies and storage on ${host}`,
    '',
    `Found by \`consentry scan\` on ${report.scannedAt.slice(0, 10)} on ${plural(report.pages.length, 'page')}, in a browser with no earlier visit: ${PHASES.map((p) => PHASE_TITLE[p]).join(', ')}.`,
  ]
  const byName = new Map<string, ScanCookie[]>()
  for (const c of report.cookies) byName.set(`${c.name}\0${c.domain}`, [...(byName.get(`${c.name}\0${c.domain}`) ?? []), c])
  const rows = [...byName.values()].map((seen) => {
    const c = seen[0]
    const d = describe(report.draft, c.name, 'cookies')
    // biome-ignore lint/complexity/useMathMinMax: ISO date strings, compared as text
    const longest = seen.map((s) => s.expires).reduce<string | null>((a, b) => (a === null ? b : b === null ? a : a > b ? a : b), null)
    return {
      category: c.categorisedBy === 'consentry' ? 'necessary' : (d?.category ?? c.category ?? 'unidentified'),
      cells: [
        `\`${c.name}\``,
        c.domain,
        // A declared cookie is described by the config alone: a database entry of the same name may be another company's.
        (c.categorisedBy === 'consentry' ? 'this site (Consentry)' : d ? d.provider : c.match?.controller) || '—',
        (c.categorisedBy === 'consentry' ? 'Keeps your consent choice.' : d ? d.purpose : c.match?.description) || '—',
        d?.duration ?? lifetime(longest, report.scannedAt),
        seen.map((s) => PHASE_TITLE[s.phase]).join(', '),
      ],
    }
  })
  const categories = [...new Set(rows.map((r) => r.category))]
  const order = Object.keys(report.draft.categories ?? {})
  categories.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
  for (const category of categories) {
    out.push(
      '',
      `## ${category[0].toUpperCase()}${category.slice(1)}`,
      '',
      '| Cookie | Domain | Provider | Purpose | Duration | Seen |',
      '| --- | --- | --- | --- | --- | --- |',
    )
    for (const row of rows.filter((r) => r.category === category)) out.push(`| ${row.cells.map(md).join(' | ')} |`)
  }
  const keys = new Map<string, (typeof report.storage)[number]>()
  for (const s of report.storage) keys.set(`${s.kind}\0${s.key}\0${s.origin}`, s)
  if (keys.size) {
    out.push('', '## Browser storage', '', '| Key | Kind | Category | Provider | Purpose |', '| --- | --- | --- | --- | --- |')
    for (const s of keys.values()) {
      const d = describe(report.draft, s.key, 'storage')
      const own = s.categorisedBy === 'consentry'
      const cells = [
        `\`${s.key}\``,
        s.kind,
        d?.category ?? s.category ?? 'unidentified',
        (own ? 'this site (Consentry)' : d ? d.provider : s.match?.controller) || '—',
        (own ? 'Consentry’s own record' : d ? d.purpose : s.match?.description) || '—',
      ]
      out.push(`| ${cells.map(md).join(' | ')} |`)
    }
  }
  const hosts = [...new Set(report.requests.map((r) => r.host))]
  if (hosts.length) {
    out.push(
      '',
      '## Third-party hosts contacted',
      '',
      '| Host | Service | Before consent | After “Reject all” | After “Accept all” |',
      '| --- | --- | --- | --- | --- |',
    )
    for (const host of hosts) {
      const per = PHASES.map((p) => report.requests.find((r) => r.host === host && r.phase === p))
      const declared = per.find((r) => r?.declared)?.declared
      out.push(`| ${[host, declared ? subjectKey(declared.category, declared.service) : '—', ...per.map((r) => (r ? 'yes' : 'no'))].map(md).join(' | ')} |`)
    }
  }
  out.push('', '## Findings for the site team', '')
  if (report.violations.length) for (const v of report.violations) out.push(`- **${v.kind}**: ${md(v.message)}`)
  else out.push('- No violations.')
  for (const n of report.declaredNotSeen) out.push(`- Declared, never seen: ${n.subject} \`${n.name}\` (${n.category}:${n.service})`)
  for (const w of report.warnings) out.push(`- ${md(w)}`)
  out.push('', `Pages scanned: ${report.pages.map((p) => `<${p}>`).join(', ')}`, '')
  return out.join('\n')
}

/** One progress line (drawn over itself on a terminal): phase, bar, count, page. */
export function progressLine(p: { phase: Phase; done: number; total: number; url: string }, width = 80): string {
  const n = Math.max(1, p.total)
  const filled = Math.round((Math.min(p.done, n) / n) * 20)
  const line = `${PHASES.indexOf(p.phase) + 1}/3 ${p.phase.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${p.done}/${p.total} ${p.url}`
  return line.length > width ? line.slice(0, width - 1) + '…' : line
}
