#!/usr/bin/env node
// Refreshes data/open-cookie-database/open-cookie-database.json, the compact copy of the
// Open Cookie Database that `consentry scan` matches cookies and storage keys against.
//
//   node scripts/ocd-import.mjs <open-cookie-database.csv | https://…/open-cookie-database.csv> [out.json]
//
// The CSV is the project's own export (columns below, one row per cookie or storage key);
// its licence is Apache-2.0 (data/open-cookie-database/LICENSE, NOTICE). The JSON keeps
// every row, in the CSV's order, without the row ids and privacy-portal links the scanner
// does not use; platform, category and controller names are stored once and referred to
// by index. Same CSV in, same bytes out: the committed file is always a generated one.

import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const COLUMNS = {
  name: 'Cookie / Data Key name',
  platform: 'Platform',
  category: 'Category',
  domain: 'Domain',
  description: 'Description',
  retention: 'Retention period',
  controller: 'Data Controller',
  wildcard: 'Wildcard match',
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (quoted) throw new Error('the CSV ends inside a quoted field')
  if (field !== '' || row.length) row.push(field), rows.push(row)
  return rows.filter((r) => r.length > 1 || r[0] !== '')
}

/** The compact database from the CSV's text. */
export function compact(csv) {
  const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''))
  const at = {}
  for (const [key, title] of Object.entries(COLUMNS)) {
    at[key] = header.findIndex((h) => h.trim() === title)
    if (at[key] < 0) throw new Error(`no "${title}" column (the header is: ${header.join(', ')})`)
  }
  const tables = { platforms: [], categories: [], controllers: [] }
  const index = (table, value) => {
    let i = tables[table].indexOf(value)
    if (i < 0) i = tables[table].push(value) - 1
    return i
  }
  const entries = []
  rows.forEach((row, n) => {
    const get = (key) => (row[at[key]] ?? '').trim()
    const name = get('name')
    if (!name) throw new Error(`row ${n + 2} has no cookie name`)
    const wildcard = get('wildcard')
    if (wildcard !== '0' && wildcard !== '1') throw new Error(`row ${n + 2} (${name}): "${COLUMNS.wildcard}" is "${wildcard}", expected 0 or 1`)
    entries.push([
      name,
      index('platforms', get('platform')),
      index('categories', get('category')),
      get('domain'),
      get('description'),
      get('retention'),
      index('controllers', get('controller')),
      Number(wildcard),
    ])
  })
  return {
    source: 'Open Cookie Database, https://github.com/jkwakman/Open-Cookie-Database (Apache-2.0, see LICENSE beside this file)',
    sha256: createHash('sha256').update(csv).digest('hex'),
    count: entries.length,
    fields: ['name', 'platform', 'category', 'domain', 'description', 'retention', 'controller', 'wildcard'],
    ...tables,
    entries,
  }
}

/** One entry per line, so that a refresh reads as a diff of the rows that changed. */
export function serialize(db) {
  const { entries, ...head } = db
  const top = JSON.stringify(head).slice(0, -1)
  return `${top},"entries":[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`
}

async function read(source) {
  if (!/^https?:\/\//.test(source)) return readFileSync(source, 'utf8')
  const res = await fetch(source, { signal: AbortSignal.timeout(60_000) })
  if (!res.ok) throw new Error(`${source} answered ${res.status}`)
  return res.text()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [source, out = fileURLToPath(new URL('../data/open-cookie-database/open-cookie-database.json', import.meta.url))] = process.argv.slice(2)
  if (!source) {
    process.stderr.write('usage: node scripts/ocd-import.mjs <open-cookie-database.csv | URL> [out.json]\n')
    process.exit(2)
  }
  try {
    const db = compact(await read(source))
    writeFileSync(out, serialize(db))
    process.stdout.write(`${out}: ${db.count} entries (${db.entries.filter((e) => e[7]).length} wildcards), ${db.platforms.length} platforms\n`)
  } catch (error) {
    process.stderr.write(`ocd-import: ${source}: ${error.message}\n`)
    process.exit(1)
  }
}
