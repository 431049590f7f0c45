// The Global Vendor List, served by the collector (docs/tcf.md, "The vendor list"), so
// that visitors' browsers never ask the IAB's host: either from a file (`--gvl FILE`,
// offline) or from an upstream fetched on demand and cached for exactly the max-age
// the upstream gave.

import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

export interface GvlOptions {
  /** A GVL v3 file; `purposes-<lang>.json` are looked up beside it. */
  file?: string
  /** Base URL of the upstream, e.g. the IAB's `https://vendor-list.consensu.org/v3/`. */
  upstream?: string
  now?: () => number
}

export interface GvlAnswer {
  body: string
  /** Seconds a cache may keep it. */
  maxAge: number
}

/** Names the route serves: the list and its translations, nothing else reaches the file system or the upstream. */
const GVL_NAME = /^(vendor-list|purposes-[a-z]{2,3}(-[a-z0-9]{2,8})?)\.json$/
const TEXT_GROUPS = ['purposes', 'specialPurposes', 'features', 'specialFeatures', 'stacks', 'dataCategories']
const FILE_MAX_AGE = 3600

export function gvlSource(options: GvlOptions): (name: string) => Promise<GvlAnswer | undefined> {
  const now = options.now ?? Date.now
  const cache = new Map<string, { answer: GvlAnswer; until: number }>()

  async function fromFile(file: string, name: string): Promise<GvlAnswer | undefined> {
    if (name === 'vendor-list.json') return { body: await readFile(file, 'utf8'), maxAge: FILE_MAX_AGE }
    try {
      return { body: await readFile(join(dirname(file), name), 'utf8'), maxAge: FILE_MAX_AGE }
    } catch {
      // The list's own texts are English: purposes-en.json can always be made from it.
      if (name !== 'purposes-en.json') return undefined
      const list = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
      return {
        body: JSON.stringify(
          Object.fromEntries(
            Object.entries(list).filter(([key]) => !['vendors'].includes(key) && (TEXT_GROUPS.includes(key) || typeof list[key] !== 'object')),
          ),
        ),
        maxAge: FILE_MAX_AGE,
      }
    }
  }

  async function fromUpstream(upstream: string, name: string): Promise<GvlAnswer | undefined> {
    const hit = cache.get(name)
    if (hit && hit.until > now()) return { body: hit.answer.body, maxAge: Math.max(0, Math.floor((hit.until - now()) / 1000)) }
    const response = await fetch(new URL(name, upstream.endsWith('/') ? upstream : upstream + '/'))
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`GVL upstream answered HTTP ${response.status} for ${name}`)
    const body = await response.text()
    JSON.parse(body) // refuse to pass on what is not JSON
    const maxAge = Number(/(?:^|,)\s*max-age=(\d+)/i.exec(response.headers.get('cache-control') ?? '')?.[1] ?? 0)
    const answer = { body, maxAge }
    if (maxAge > 0) cache.set(name, { answer, until: now() + maxAge * 1000 })
    return answer
  }

  return (name) => {
    if (!GVL_NAME.test(name)) return Promise.resolve(undefined)
    if (options.file) return fromFile(options.file, name)
    if (options.upstream) return fromUpstream(options.upstream, name)
    return Promise.resolve(undefined)
  }
}
