// The console's calls to its collector: relative URLs (the console is served at <base>/dashboard,
// the API at <base>/…), the admin token from this tab's sessionStorage as a bearer token.

import type { InclusionProof } from '../receipts/log-proof.js'
import type { HealthAnswer, StatsAnswer } from '../server/stats.js'

const TOKEN_KEY = 'consentry.console.token'

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  forget: (): void => sessionStorage.removeItem(TOKEN_KEY),
}

/** The collector refused the token (401) or has none configured (403): ask again. */
export class AuthError extends Error {}

class ApiError extends Error {}

export async function call(path: string): Promise<Response> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token.get() ?? ''}` }, cache: 'no-store' })
  if (res.ok) return res
  let detail = `${res.status} ${res.statusText}`
  try {
    const body = (await res.json()) as { detail?: string }
    if (body.detail) detail = body.detail
  } catch {
    // Not JSON: the status line says enough.
  }
  if (res.status === 401 || res.status === 403) throw new AuthError(detail)
  throw new ApiError(detail)
}

const getJson = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>

// The wire shapes of GET /stats and /stats/health are the collector's own (types only: none of its code ships here).
export type Stats = StatsAnswer
export type StatsRow = Stats['rows'][number]
export type By = Stats['by']

export const stats = (from: string, to: string, by: By) => getJson<Stats>(`stats?${new URLSearchParams({ from, to, by })}`)

export type Health = HealthAnswer

export const health = () => getJson<Health>('stats/health')

// The verifiable log's public routes (no token needed; sending it does no harm on this collector).

/** The newest checkpoint's signed note, or null when the log has none yet (404). */
export async function checkpointNote(): Promise<string | null> {
  const res = await fetch('log/checkpoint', { cache: 'no-store' })
  if (res.status === 404) return null
  if (!res.ok) throw new ApiError(`GET log/checkpoint: ${res.status} ${res.statusText}`)
  return res.text()
}

/** The checkpoint verifier key, or null when this collector signs no checkpoints (404). */
export async function logKey(): Promise<string | null> {
  const res = await fetch('log/key', { cache: 'no-store' })
  if (res.status === 404) return null
  if (!res.ok) throw new ApiError(`GET log/key: ${res.status} ${res.statusText}`)
  return (await res.text()).trim()
}

/** Where the inclusion proof of leaf `index` in the tree of `size` leaves is (also a link for people). */
export const inclusionProofPath = (index: number, size: number): string =>
  `log/proof/inclusion?${new URLSearchParams({ index: String(index), size: String(size) })}`

export const inclusionProof = (index: number, size: number) => getJson<InclusionProof>(inclusionProofPath(index, size))

export interface StoredReceipt {
  logIndex: number
  receivedAt: string
  jti: string
  seq: number
  jws: string
  chain: { kind?: string; detail?: string; [k: string]: unknown }[]
}

export interface Subject {
  consentId: string
  receipts: StoredReceipt[]
  chain: { ok: boolean; breaks: { seq: number; jti: string; kind?: string; detail?: string }[] }
  next: number | null
}

/** Every page of a consent id's receipts (at most `maxPages` pages of 1,000). */
export async function subject(consentId: string, maxPages = 20): Promise<Subject> {
  let after = 0
  let all: Subject | undefined
  for (let page = 0; page < maxPages; page++) {
    const part = await getJson<Subject>(`receipts/${encodeURIComponent(consentId)}?${new URLSearchParams({ after: String(after), limit: '1000' })}`)
    if (!all) all = part
    else {
      all.receipts.push(...part.receipts)
      all.chain.breaks.push(...part.chain.breaks)
      all.chain.ok &&= part.chain.ok
      all.next = part.next
    }
    if (part.next === null) break
    after = part.next
  }
  return all!
}
