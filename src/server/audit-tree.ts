// The Merkle-tree half of `audit` (audit.ts does the entries, signatures and hash chain).
//
// From the entries as audit read them, it recomputes every leaf hash (a leaf of an erased
// receipt cannot be recomputed: its text is gone; its stored leaf is taken as it is, and is
// checked only through the signed roots that cover it), then every interior node, level by
// level, and compares each with the stored one: any altered, missing or extra node is named.
// Then each stored checkpoint: its signature (when a checkpoint key is known), its root
// against the recomputed tree of its size, and its consistency with the checkpoint before it
// (RFC 9162 proof, checked by receipts/log-proof.ts). A checkpoint kept elsewhere (a witness's)
// must be consistent with the log: deleting the newest entries no longer passes unseen.

import type { KeyObject } from 'node:crypto'
import { verifyConsistency } from '../receipts/log-proof.js'
import { noteSignedBy, parseNote, type ParsedNote } from './checkpoint.js'
import { consistencyPath, interiorHash, rootHash, type Nodes } from './merkle.js'
import type { Repository } from './storage/types.js'

export interface TreeFinding {
  logIndex: number
  kind: 'removed' | 'altered' | 'inserted'
  detail: string
}

export interface TreeReport {
  /** Leaves covered by the newest checkpoint. */
  size: number
  checkpoints: number
  /** Whether checkpoint signatures were checked (a checkpoint key was known). */
  signaturesChecked: boolean
}

export interface TreeAuditOptions {
  /** Checkpoint public keys (checkpoint.ts): every stored checkpoint must be signed by one. */
  checkpointKeys?: KeyObject[] | undefined
  /** A checkpoint note kept earlier (by a witness): the log must still contain its tree. */
  expectCheckpoint?: string | undefined
  /**
   * Checkpoints made before this time (ms) may be signed by an earlier key (before a key
   * rotation): they are checked with `checkpointKeys` only when one of them signed it.
   */
  checkpointKeysSince?: number | undefined
}

const PAGE = 10_000

/** One level of hashes, 32 bytes each, in one buffer (10⁶ leaves: 32 MB). */
class Level {
  readonly bytes: Buffer
  constructor(readonly count: number) {
    this.bytes = Buffer.alloc(count * 32)
  }
  get(i: number): Buffer {
    return this.bytes.subarray(i * 32, i * 32 + 32)
  }
  set(i: number, hash: Buffer): void {
    hash.copy(this.bytes, i * 32)
  }
}

/**
 * `leaves[i]` is the recomputed leaf hash of entry i + 1, or null when it cannot be recomputed
 * (an erased receipt). Returns the findings and what was checked.
 */
export async function auditTree(
  store: Repository,
  leaves: (Buffer | null)[],
  options: TreeAuditOptions = {},
): Promise<{ findings: TreeFinding[]; tree: TreeReport }> {
  const findings: TreeFinding[] = []
  const find = (logIndex: number, kind: TreeFinding['kind'], detail: string) => findings.push({ logIndex, kind, detail })
  const latest = await store.checkpoint()
  const size = Math.min(latest?.size ?? 0, leaves.length)
  if (latest && latest.size > leaves.length)
    find(leaves.length + 1, 'removed', `the newest checkpoint covers ${latest.size} entries, the log holds ${leaves.length}`)

  // Level 0: the leaves, compared with the stored ones.
  const levels: Level[] = [new Level(leaves.length)]
  let seen = 0
  for (let after = -1; ; ) {
    const rows = await store.treeLevel(0, after, PAGE)
    for (const row of rows) {
      if (row.index >= leaves.length) find(row.index + 1, 'inserted', `leaf ${row.index} is stored, but the log has no entry ${row.index + 1}`)
      else {
        seen++
        const expected = leaves[row.index]
        if (expected && !expected.equals(row.hash)) find(row.index + 1, 'altered', `stored leaf ${row.index} is not the hash of entry ${row.index + 1}`)
        levels[0]!.set(row.index, expected ?? row.hash)
      }
    }
    if (rows.length < PAGE) break
    after = rows[rows.length - 1]!.index
  }
  if (seen < leaves.length) {
    // Which leaves are missing: those whose slot is still all zeros and had no row.
    const present = new Set<number>()
    for (let after = -1; ; ) {
      const rows = await store.treeLevel(0, after, PAGE)
      rows.forEach((r) => present.add(r.index))
      if (rows.length < PAGE) break
      after = rows[rows.length - 1]!.index
    }
    for (let i = 0; i < leaves.length; i++) {
      if (present.has(i)) continue
      find(i + 1, 'removed', `leaf ${i} of entry ${i + 1} is missing from the tree`)
      if (leaves[i]) levels[0]!.set(i, leaves[i]!)
    }
  }

  // Interior levels, recomputed over every leaf and compared with the stored nodes. Nodes
  // are stored up to the checkpointed size; an integration that commits while audit runs may
  // have added more, which are checked too, but only nodes inside `size` must be there.
  const n = leaves.length
  for (let level = 1; 2 ** level <= n; level++) {
    const below = levels[level - 1]!
    const count = Math.floor(n / 2 ** level)
    const required = Math.floor(size / 2 ** level)
    const here = new Level(count)
    for (let i = 0; i < count; i++) here.set(i, interiorHash(below.get(2 * i), below.get(2 * i + 1)))
    levels.push(here)
    let next = 0
    for (let after = -1; ; ) {
      const rows = await store.treeLevel(level, after, PAGE)
      for (const row of rows) {
        const first = row.index * 2 ** level + 1
        if (row.index >= count) find(first, 'inserted', `node ${level}:${row.index} is stored, but the log has only ${n} entries`)
        else {
          for (; next < Math.min(row.index, required); next++) find(next * 2 ** level + 1, 'removed', `node ${level}:${next} is missing from the tree`)
          next = row.index + 1
          if (!here.get(row.index).equals(row.hash)) find(first, 'altered', `stored node ${level}:${row.index} does not hash its two children`)
        }
      }
      if (rows.length < PAGE) break
      after = rows[rows.length - 1]!.index
    }
    for (; next < required; next++) find(next * 2 ** level + 1, 'removed', `node ${level}:${next} is missing from the tree`)
  }
  const nodes: Nodes = (level, index) => levels[level]!.get(index)

  // Checkpoints, oldest first: signature, root, consistency with the one before.
  const keys = options.checkpointKeys ?? []
  const check = (note: ParsedNote, where: string, logIndex: number, createdMs = Number.POSITIVE_INFINITY): boolean => {
    const earlier = createdMs < (options.checkpointKeysSince ?? 0)
    if (keys.length > 0 && !earlier && !keys.some((k) => noteSignedBy(note, k))) find(logIndex, 'inserted', `${where}: not signed by the log's checkpoint key`)
    if (note.size > n) {
      find(n + 1, 'removed', `${where} covers ${note.size} entries; the log has ${n}`)
      return false
    }
    if (!rootHash(note.size, nodes).equals(note.root)) {
      find(note.size, 'altered', `${where}: its root is not the root of the log's first ${note.size} entries`)
      return false
    }
    return true
  }
  let previous: ParsedNote | undefined
  let count = 0
  for (let after = 0; ; ) {
    const rows = await store.checkpoints(after, 1000)
    for (const row of rows) {
      count++
      let note: ParsedNote
      try {
        note = parseNote(row.note)
      } catch (error) {
        find(row.size, 'altered', `checkpoint of ${row.size}: ${(error as Error).message}`)
        continue
      }
      if (note.size !== row.size || note.root.toString('base64') !== row.root)
        find(row.size, 'altered', `checkpoint of ${row.size}: the stored size or root differs from its signed note`)
      check(note, `checkpoint of ${note.size}`, note.size, row.createdMs)
      if (previous && previous.size <= note.size && note.size <= n) {
        const proof = { from: previous.size, to: note.size, hashes: consistencyPath(previous.size, note.size, nodes).map((h) => h.toString('base64')) }
        if (!(await verifyConsistency(previous.root, note.root, proof))) {
          find(note.size, 'altered', `checkpoint of ${note.size} is not consistent with the checkpoint of ${previous.size}`)
        }
      }
      previous = note
    }
    if (rows.length < 1000) break
    after = rows[rows.length - 1]!.size
  }
  if (options.expectCheckpoint !== undefined) {
    try {
      check(parseNote(options.expectCheckpoint), 'the checkpoint given', n + 1)
    } catch (error) {
      find(0, 'altered', `the checkpoint given: ${(error as Error).message}`)
    }
  }
  return { findings, tree: { size, checkpoints: count, signaturesChecked: keys.length > 0 } }
}
