// The log's RFC 9162 Merkle tree, as stored: every node of a complete subtree, keyed by
// (level, index), where node (L, i) covers leaves [i·2^L, (i+1)·2^L). Level 0 holds the leaf
// hashes. The tree only grows, so a stored node never changes, and every hash RFC 9162 needs
// (a root, an inclusion path, a consistency proof, for any size up to the stored one) is one
// stored node or is combined from O(log n) of them: proofs never read the whole log.
//
// The functions below are pure: they take a synchronous `Nodes` accessor. Storage adapters
// first run them with a recording accessor to learn which nodes a proof needs (the set never
// depends on hash values), fetch those in one query, then run them again (`withNodes`).

import { sha256Bytes } from './sha256.js'

export interface NodeKey {
  level: number
  index: number
}

export type Nodes = (level: number, index: number) => Buffer

export const nodeId = (level: number, index: number): string => `${level}:${index}`

/** SHA-256(0x00 ‖ UTF-8 of data): "\u0000" is the one byte 0x00 in UTF-8. Hashed for every receipt appended. */
export const leafHash = (data: string): Buffer => sha256Bytes(`\u0000${data}`)

const INTERIOR = Buffer.from([1])

/** SHA-256(0x01 ‖ left ‖ right): about one per leaf integrated. */
export const interiorHash = (left: Buffer, right: Buffer): Buffer => sha256Bytes(Buffer.concat([INTERIOR, left, right]))

/** SHA-256 of nothing: the root of the empty tree (RFC 9162 §2.1.1). */
const EMPTY_ROOT = sha256Bytes('')

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n))

/** MTH(D[lo:hi]); `lo` is a multiple of the largest power of two ≤ hi − lo, as RFC 9162's recursion always gives. */
function rangeHash(lo: number, hi: number, nodes: Nodes): Buffer {
  const size = hi - lo
  if (size === 0) return EMPTY_ROOT
  if (isPowerOfTwo(size) && lo % size === 0) return nodes(Math.log2(size), lo / size)
  const k = split(size)
  return interiorHash(rangeHash(lo, lo + k, nodes), rangeHash(lo + k, hi, nodes))
}

export const rootHash = (size: number, nodes: Nodes): Buffer => rangeHash(0, size, nodes)

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), leaf first. */
function path(m: number, lo: number, hi: number, nodes: Nodes): Buffer[] {
  const size = hi - lo
  if (size <= 1) return []
  const k = split(size)
  return m < k ? [...path(m, lo, lo + k, nodes), rangeHash(lo + k, hi, nodes)] : [...path(m - k, lo + k, hi, nodes), rangeHash(lo, lo + k, nodes)]
}

export const inclusionPath = (index: number, size: number, nodes: Nodes): Buffer[] => path(index, 0, size, nodes)

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
function subproof(m: number, lo: number, hi: number, complete: boolean, nodes: Nodes): Buffer[] {
  const size = hi - lo
  if (m === size) return complete ? [] : [rangeHash(lo, hi, nodes)]
  const k = split(size)
  return m <= k
    ? [...subproof(m, lo, lo + k, complete, nodes), rangeHash(lo + k, hi, nodes)]
    : [...subproof(m - k, lo + k, hi, false, nodes), rangeHash(lo, lo + k, nodes)]
}

/** PROOF(from, D[to]); empty when from = to. */
export const consistencyPath = (from: number, to: number, nodes: Nodes): Buffer[] => (from === to ? [] : subproof(from, 0, to, true, nodes))

const ZERO = Buffer.alloc(32)

/** The stored nodes `work` reads, found by running it once on placeholder hashes. */
function nodesNeeded(work: (nodes: Nodes) => unknown): NodeKey[] {
  const keys = new Map<string, NodeKey>()
  work((level, index) => (keys.set(nodeId(level, index), { level, index }), ZERO))
  return [...keys.values()]
}

/** Runs `work` on nodes fetched in one call of `fetch` (a Map by nodeId); a missing node throws. */
export async function withNodes<T>(work: (nodes: Nodes) => T, fetch: (keys: NodeKey[]) => Promise<Map<string, Buffer>>): Promise<T> {
  const found = await fetch(nodesNeeded(work))
  return work((level, index) => {
    const hash = found.get(nodeId(level, index))
    if (!hash) throw new Error(`the log's tree has no node ${nodeId(level, index)}`)
    return hash
  })
}

/** The nodes a tree of `size` leaves needs to grow: the roots of its complete subtrees (its frontier). */
export function frontierKeys(size: number): NodeKey[] {
  const keys: NodeKey[] = []
  for (let level = 0; 2 ** level <= size; level++) {
    if (Math.floor(size / 2 ** level) % 2 === 1) keys.push({ level, index: Math.floor(size / 2 ** level) - 1 })
  }
  return keys
}

export interface TreeNode extends NodeKey {
  hash: Buffer
}

/**
 * The nodes to store when `leaves` are appended to a tree of `size`: each leaf, and every
 * interior node the new leaves complete. `frontier` holds at least frontierKeys(size).
 */
export function grow(size: number, leaves: Buffer[], frontier: Map<string, Buffer>): TreeNode[] {
  const known = new Map(frontier)
  const added: TreeNode[] = []
  const put = (level: number, index: number, hash: Buffer) => (known.set(nodeId(level, index), hash), added.push({ level, index, hash }))
  leaves.forEach((leaf, i) => {
    let index = size + i
    put(0, index, leaf)
    let hash = leaf
    for (let level = 0; index % 2 === 1; level++) {
      const left = known.get(nodeId(level, index - 1))
      if (!left) throw new Error(`the log's tree has no node ${nodeId(level, index - 1)} to grow from`)
      hash = interiorHash(left, hash)
      index = (index - 1) / 2
      put(level + 1, index, hash)
    }
  })
  return added
}

/** Nodes as a Map by nodeId, over a base accessor or map. */
export const mapNodes = (entries: Iterable<TreeNode>): Map<string, Buffer> => new Map([...entries].map((n) => [nodeId(n.level, n.index), n.hash]))
