// `consentry-collector audit`: re-checks the whole log without trusting anything in the
// database except what the collector's key signed.
//
// Per entry, in index order: the index follows the previous one (else entries were removed);
// the entry hash chains to the previous entry; the countersignature verifies with the
// collector's public key and signs exactly this entry's fields (else it was inserted, altered
// or moved); a receipt's JWS still hashes to the signed content hash and verifies, and its
// columns agree with its signed claims; a blanked receipt is covered by a later erasure or
// purge record. Removing the newest entries cannot be seen from the log alone: compare the
// head with one published earlier (`expectHead`).

import { verifyReceipt } from '../receipts/verify.js'
import { verifyCountersignature, type PublicJwks } from './keys.js'
import { countersigned, entryHash, receivedAtOf } from './log.js'
import { sha256 } from './sha256.js'
import { scan, type AuditRun, type Head, type LogEntry, type Repository } from './storage/types.js'
import type { KeyObject } from 'node:crypto'
import { auditTree, type TreeReport } from './audit-tree.js'
import { leafHash } from './merkle.js'
import { leafDataOf } from './storage/sql.js'

type FindingKind = 'removed' | 'altered' | 'inserted' | 'moved'

export interface Finding {
  logIndex: number
  kind: FindingKind
  detail: string
}

export interface AuditReport {
  ok: boolean
  entries: number
  receipts: number
  erased: number
  records: number
  head: Head
  /** The Merkle tree and its checkpoints (audit-tree.ts). */
  tree: TreeReport
  findings: Finding[]
}

export interface AuditOptions {
  /** A head published earlier (index and entry hash): the log must still contain it. */
  expectHead?: Head | undefined
  /** Receipts checked concurrently (signature checks run on the crypto thread pool). */
  concurrency?: number
  /** Checkpoint public keys (checkpoint.ts); without them checkpoint signatures are not checked. */
  checkpointKeys?: KeyObject[] | undefined
  /** A checkpoint note published earlier (a witness's): the log must still contain its tree. */
  expectCheckpoint?: string | undefined
  /** Checkpoints older than this (ms) may be signed by a retired key (audit-tree.ts). */
  checkpointKeysSince?: number | undefined
}

type Coverage = [number, number][]

/** A receipt's own problems: its JWS against the signed content hash, its signature, its columns. */
async function checkReceipt(e: LogEntry): Promise<string | undefined> {
  if (e.jws === null) return e.erasedMs === null ? 'receipt text is missing but the entry is not marked erased' : undefined
  if (sha256(e.jws) !== e.contentHash) return 'receipt text differs from the one that was countersigned'
  try {
    const { header, payload } = await verifyReceipt(e.jws, { now: e.receivedMs, maxAgeSeconds: Number.POSITIVE_INFINITY, sha256 })
    const columns = { jti: e.jti, sub: e.sub, kid: e.kid, seq: e.seq, iat: e.iat }
    const signed = { jti: payload.jti, sub: payload.sub, kid: header.kid, seq: payload.seq, iat: payload.iat }
    for (const [name, value] of Object.entries(columns)) {
      if (value !== signed[name as keyof typeof signed]) return `column ${name} (${JSON.stringify(value)}) differs from the signed receipt`
    }
  } catch (error) {
    return `receipt no longer verifies: ${(error as Error).message}`
  }
  return undefined
}

export async function audit(store: Repository, jwks: PublicJwks, options: AuditOptions = {}): Promise<AuditReport> {
  const report: AuditReport = {
    ok: true,
    entries: 0,
    receipts: 0,
    erased: 0,
    records: 0,
    head: { logIndex: 0, entryHash: '' },
    tree: { size: 0, checkpoints: 0, signaturesChecked: false },
    findings: [],
  }
  /** Recomputed leaf hashes by leaf index; null where the text is gone (erased) or the entry is missing. */
  const leaves: (Buffer | null)[] = []
  const find = (logIndex: number, kind: FindingKind, detail: string) => report.findings.push({ logIndex, kind, detail })
  const blanked: number[] = []
  const covered: Coverage = []
  let previous: Head = { logIndex: 0, entryHash: '' }
  let page: LogEntry[] = []

  const checkPage = async () => {
    const receiptProblems = await Promise.all(page.map((e) => (e.kind === 'receipt' ? checkReceipt(e) : undefined)))
    page.forEach((e, i) => {
      report.entries++
      const expectedIndex = previous.logIndex + 1
      const gap = e.logIndex !== expectedIndex
      if (gap) find(expectedIndex, 'removed', `entries ${expectedIndex}…${e.logIndex - 1} are missing`)
      const signed = verifyCountersignature(e.countersignature, jwks)
      if ('error' in signed) {
        find(e.logIndex, 'inserted', `countersignature: ${signed.error} — the entry was not written by this collector, or was rewritten`)
      } else if (signed.payload.logIndex !== e.logIndex) {
        find(e.logIndex, 'moved', `this entry was countersigned as entry ${String(signed.payload.logIndex)}`)
      } else {
        const expected = countersigned(e)
        const differs = Object.keys(expected).filter((k) => signed.payload[k] !== expected[k])
        if (differs.length) find(e.logIndex, 'altered', `${differs.join(', ')} differ from what the collector countersigned`)
      }
      // After a gap the chain cannot hold; the removal above already explains it.
      if (!gap && entryHash(previous.entryHash, e.contentHash, receivedAtOf(e.receivedMs), e.logIndex) !== e.entryHash) {
        find(e.logIndex, 'altered', `entry hash does not chain to entry ${previous.logIndex}`)
      }
      for (let i = leaves.length; i < e.logIndex - 1; i++) leaves.push(null)
      leaves.push(e.jws === null && e.record === null ? null : leafHash(leafDataOf(e)))
      if (e.kind === 'receipt') {
        report.receipts++
        if (receiptProblems[i]) find(e.logIndex, 'altered', receiptProblems[i]!)
        if (e.jws === null) report.erased++, blanked.push(e.logIndex)
      } else {
        report.records++
        if (e.record === null || sha256(e.record) !== e.contentHash) {
          find(e.logIndex, 'altered', `${e.kind} record differs from the one that was countersigned`)
        } else {
          const ranges = (JSON.parse(e.record) as { erased?: Coverage }).erased ?? []
          for (const [from, to] of ranges) covered.push([from, Math.min(to, e.logIndex - 1)])
        }
      }
      previous = { logIndex: e.logIndex, entryHash: e.entryHash }
    })
    page = []
  }

  for await (const entry of scan(store)) {
    page.push(entry)
    if (page.length >= (options.concurrency ?? 256)) await checkPage()
  }
  await checkPage()

  for (const index of blanked) {
    if (!covered.some(([from, to]) => index >= from && index <= to)) {
      find(index, 'altered', 'receipt was blanked, but no erasure or purge record covers it')
    }
  }
  const expect = options.expectHead
  if (expect && expect.logIndex > previous.logIndex) {
    find(previous.logIndex + 1, 'removed', `the log ends at entry ${previous.logIndex}; entry ${expect.logIndex} existed before`)
  } else if (expect) {
    const at = (await store.page({ afterIndex: expect.logIndex - 1, limit: 1 }))[0]
    if (!at || at.logIndex !== expect.logIndex || at.entryHash !== expect.entryHash) {
      find(expect.logIndex, 'altered', 'entry does not match the head published earlier')
    }
  }
  report.head = previous
  const tree = await auditTree(store, leaves, {
    checkpointKeys: options.checkpointKeys,
    expectCheckpoint: options.expectCheckpoint,
    checkpointKeysSince: options.checkpointKeysSince,
  })
  report.tree = tree.tree
  report.findings.sort((a, b) => a.logIndex - b.logIndex)
  // The entries' own findings first (they say most precisely what happened), then the tree's.
  report.findings.push(...tree.findings.sort((a, b) => a.logIndex - b.logIndex))
  report.ok = report.findings.length === 0
  return report
}

/** What the collector keeps of a run (storage audit_runs), for the console's log health. */
export function auditRun(report: AuditReport, ranMs: number): AuditRun {
  const first = report.findings[0]
  return {
    ranMs,
    ok: report.ok,
    entries: report.entries,
    treeSize: report.tree.size,
    findings: report.findings.length,
    firstFinding: first ? `entry ${first.logIndex}: ${first.kind}: ${first.detail}` : null,
    signaturesChecked: report.tree.signaturesChecked,
  }
}
