// The receipts chunk (src/lazy): signs each noted decision, keeps it in a durable
// outbox (IndexedDB) and delivers it until the endpoint answers 2xx (docs/receipts.md).

import type { Resolved } from '../config/resolve.js'
import type { TextTree } from '../config/types.js'
import { gcmValues } from '../core/gcm.js'
import { gpcEnabled } from '../core/gpc.js'
import { backoff, retryable } from './backoff.js'
import { buildPayload, jtiOf, nextLink, type ReceiptContext } from './build.js'
import en from '../../locales/en.json'
import { mergeTexts } from '../i18n/lookup.js'
import { canonicalJson, sha256 } from './digest.js'
import * as idb from './idb.js'
import { signingKey } from './key.js'
import { dropNote, pendingNotes } from './notes.js'
import { signReceipt } from './sign.js'
import type { ReceiptEvent, ReceiptSource } from './types.js'

/** One receipt as this browser keeps it: the outbox entry and, once delivered, the history. */
export interface StoredReceipt {
  jti: string
  /** The decision note it was built from. */
  note: string
  sub: string
  seq: number
  iat: number
  event: ReceiptEvent
  source: ReceiptSource
  jws: string
  status: 'pending' | 'sent' | 'rejected'
  attempts: number
  /** ms; when the next delivery may be tried. */
  nextAt: number
  /** The collector's answer: `{ jti, receivedAt, logIndex, countersignature }`. */
  ack?: Record<string, unknown>
  error?: string
  /**
   * Once a checkpoint covers it: the collector's signed checkpoint and the inclusion proof of
   * this receipt's leaf (GET /log/checkpoint, /log/proof/inclusion), checkable with consentry/verify.
   */
  proof?: { checkpoint: string; inclusion: unknown }
}

export interface ReceiptsOptions {
  /** The config as given (`source`, what receipts hash), with the mode and region decided for this visitor. */
  config: Resolved
  /** The language and texts shown right now (setLanguage may change them). */
  texts: () => { lang: string; texts: TextTree }
  sdk: string
}

export interface Receipts {
  /** Signs every decision noted so far, then tries to deliver. */
  record(): Promise<void>
  flush(): Promise<void>
  list(): Promise<StoredReceipt[]>
  /** Removes its listeners and timers (the SDK's destroy()); the outbox stays for the next page view. */
  stop(): void
}

/** A dead endpoint must not fill the disk: past this, new receipts wait as notes, with a warning. */
export const MAX_PENDING = 500
const LOCK = 'consentry-receipts'

const isStored = (r: unknown): r is StoredReceipt =>
  !!r &&
  typeof (r as StoredReceipt).jti === 'string' &&
  typeof (r as StoredReceipt).jws === 'string' &&
  (r as StoredReceipt).jws.split('.').length === 3 &&
  typeof (r as StoredReceipt).nextAt === 'number'

/**
 * Several tabs share one outbox: Web Locks keep two of them from building the
 * same chain step or posting the same receipt at once. Without Web Locks the
 * collector's idempotence on `jti` still makes a repeat harmless.
 */
function locked<T>(fn: () => Promise<T>, ifAvailable = false): Promise<T | undefined> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks
  if (!locks) return fn()
  return locks.request(LOCK, { ifAvailable }, (lock) => (lock ? fn() : undefined))
}

export function startReceipts({ config: { source: config, mode, region }, texts, sdk }: ReceiptsOptions): Receipts {
  const endpoint = new URL(config.receipts!.endpoint, location.href).href
  /** Receipts kept only in memory when IndexedDB is not there. */
  const volatile = new Map<string, StoredReceipt>()
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Receipts signed on this page and not yet tried: what a beacon should carry if the tab closes now. */
  let fresh: string[] = []

  // The collector's log routes sit beside its receipts route (…/receipts → …/log/…).
  const logBase = endpoint.replace(/receipts\/?$/, 'log/')
  let proofTimer: ReturnType<typeof setTimeout> | undefined
  const unproven = (r: StoredReceipt) => r.status === 'sent' && typeof r.ack?.leafIndex === 'number' && !r.proof

  /** Fetches the inclusion proof of every delivered receipt that has none yet (one checkpoint for all). */
  async function prove(): Promise<void> {
    const waiting = (await all()).filter(unproven)
    if (!waiting.length) return
    try {
      const checkpoint = await (await fetch(logBase + 'checkpoint', { credentials: 'omit' })).text()
      const size = Number(checkpoint.split('\n')[1])
      for (const r of waiting) {
        const leaf = r.ack!.leafIndex as number
        if (!(leaf < size)) continue
        const response = await fetch(`${logBase}proof/inclusion?index=${leaf}&size=${size}`, { credentials: 'omit' })
        if (response.status === 200) await save({ ...r, proof: { checkpoint, inclusion: await response.json() } }, !volatile.has(r.jti))
      }
    } catch {
      // No proof yet (the collector predates the log, or is down): the next page view asks again.
    }
  }

  const configHash = sha256(canonicalJson(config))
  const context = async (): Promise<ReceiptContext> => {
    const { lang, texts: tree } = texts()
    return {
      config: await configHash,
      // Every text the visitor could see, English defaults included.
      texts: { lang, sha256: await sha256(canonicalJson(mergeTexts(en, tree))) },
      gpc: gpcEnabled(),
      origin: location.origin,
      controller: config.receipts?.controller,
      policyUrl: config.receipts?.policyUrl ?? config.policyUrl,
      sdk,
      mode,
      region,
    }
  }

  async function all(): Promise<StoredReceipt[]> {
    let stored: unknown[] = []
    try {
      stored = await idb.getAll<unknown>('receipts')
    } catch {
      // no IndexedDB: only this page's receipts
    }
    const good = stored.filter(isStored)
    if (good.length < stored.length) console.warn(`Consentry: skipped ${stored.length - good.length} unreadable receipt(s) in the outbox`)
    return [...good, ...volatile.values()].sort((a, b) => (a.jti < b.jti ? -1 : 1))
  }

  async function save(receipt: StoredReceipt, persistent: boolean): Promise<void> {
    if (persistent) {
      try {
        return await idb.put('receipts', receipt)
      } catch {
        // fall through: keep it for this page at least
      }
    }
    volatile.set(receipt.jti, receipt)
  }

  async function record(): Promise<void> {
    await locked(async () => {
      const notes = pendingNotes()
      if (!notes.length) return
      const key = await signingKey()
      const known = new Set((await all()).map((r) => r.jti))
      const pending = (await all()).filter((r) => r.status === 'pending').length
      const base = await context()
      for (const note of notes) {
        // A decision whose TC string is on its way (docs/tcf.md, "Receipts"): its receipt waits
        // for it until `tcfDue`, when the TCF chunk calls record() again. Its consent id's later
        // decisions wait too while the vendor list is missing (src/tcf/cmp.ts), so the chain keeps
        // its order.
        if (note.tcfDue! > Date.now()) continue
        const jti = jtiOf(note)
        if (known.has(jti)) {
          dropNote(note.id)
          continue
        }
        if (pending >= MAX_PENDING) {
          console.warn(`Consentry: ${pending} receipts are waiting for ${endpoint}; new ones stay queued until it answers.`)
          return
        }
        let last: { seq: number; hash: string; kid: string } | undefined
        try {
          last = key.persistent ? await idb.get('chains', note.sub) : undefined
        } catch {
          // no chain known: `last` stays undefined
        }
        const payload = buildPayload(
          note,
          { ...base, gcm: config.google?.consentMode ? gcmValues(note.categories, config.google?.mapping) : undefined },
          nextLink(last, key.kid, note.continued, key.persistent),
        )
        const jws = await signReceipt(payload, key)
        await save(
          {
            jti,
            note: note.id,
            sub: note.sub,
            seq: payload.seq,
            iat: payload.iat,
            event: note.event,
            source: note.source,
            jws,
            status: 'pending',
            attempts: 0,
            nextAt: 0,
          },
          key.persistent,
        )
        if (key.persistent) await idb.put('chains', { seq: payload.seq, hash: await sha256(jws), kid: key.kid }, note.sub).catch(() => {})
        // Without IndexedDB the note stays until the receipt is delivered, so a reload cannot lose it.
        if (key.persistent) dropNote(note.id)
      }
    })
    await flush()
  }

  async function deliver(receipt: StoredReceipt): Promise<boolean> {
    let status = 0
    let body = ''
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        body: receipt.jws,
        // A CORS-safelisted type: no preflight (docs/receipts.md).
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        keepalive: true,
        credentials: 'omit',
      })
      status = response.status
      body = await response.text()
    } catch {
      status = 0
    }
    if (status >= 200 && status < 300) {
      let ack: Record<string, unknown> | undefined
      try {
        ack = JSON.parse(body)
      } catch {
        // not JSON: no `ack`
      }
      await save({ ...receipt, status: 'sent', ack }, !volatile.has(receipt.jti))
      if (volatile.has(receipt.jti)) dropNote(receipt.note)
      return true
    }
    const attempts = receipt.attempts + 1
    if (retryable(status)) {
      await save({ ...receipt, attempts, nextAt: Date.now() + backoff(attempts) }, !volatile.has(receipt.jti))
    } else {
      console.error(`Consentry: ${endpoint} refused receipt ${receipt.jti} (HTTP ${status}): ${body.slice(0, 200)}`)
      await save({ ...receipt, attempts, status: 'rejected', error: `HTTP ${status}: ${body.slice(0, 500)}` }, !volatile.has(receipt.jti))
    }
    return false
  }

  async function flush(): Promise<void> {
    clearTimeout(timer)
    await locked(async () => {
      const waiting = (await all()).filter((r) => r.status === 'pending')
      for (const receipt of waiting) {
        if (receipt.nextAt > Date.now()) continue
        // A failure means the endpoint is down for now: stop, do not hammer it.
        if (!(await deliver(receipt))) break
      }
    }, true)
    const next = (await all()).filter((r) => r.status === 'pending')
    fresh = next.filter((r) => !r.attempts).map((r) => r.jws)
    if (next.length) timer = setTimeout(() => void flush(), Math.max(1000, Math.min(...next.map((r) => r.nextAt)) - Date.now()))
    // A checkpoint covers a receipt within a second of its 201 (docs/collector.md).
    if (!proofTimer && (await all()).some(unproven)) proofTimer = setTimeout(() => void prove().finally(() => (proofTimer = undefined)), 1500)
  }

  // Leaving the page: hand receipts not yet tried to the browser, which sends
  // beacons even after the tab is gone. The outbox keeps them until a 2xx is
  // seen; ones already failing wait for the next page view's retry instead.
  const beacon = () => {
    for (const jws of fresh) navigator.sendBeacon?.(endpoint, new Blob([jws], { type: 'text/plain;charset=UTF-8' }))
  }
  const listening = new AbortController()
  const signal = listening.signal
  addEventListener('pagehide', beacon, { signal })
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && beacon(), { signal })
  addEventListener('online', () => void flush(), { signal })

  const stop = () => {
    listening.abort()
    clearTimeout(timer)
    clearTimeout(proofTimer)
  }
  return { record, flush, list: all, stop }
}
