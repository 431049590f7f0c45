// Inclusion and consistency proofs from the stored tree (merkle.ts): each reads the O(log n)
// stored nodes it needs in one query, never the log itself.

import { consistencyPath, inclusionPath, rootHash, withNodes } from './merkle.js'
import type { Repository } from './storage/types.js'

const b64 = (hashes: Buffer[]): string[] => hashes.map((h) => h.toString('base64'))

/** Leaf `index` (0-based: log entry index + 1) in the tree of `size` leaves; size ≤ the checkpointed size. */
export async function inclusionProof(store: Repository, index: number, size: number): Promise<{ index: number; size: number; hashes: string[] }> {
  return {
    index,
    size,
    hashes: b64(
      await withNodes(
        (nodes) => inclusionPath(index, size, nodes),
        (keys) => store.treeNodes(keys),
      ),
    ),
  }
}

export async function consistencyProof(store: Repository, from: number, to: number): Promise<{ from: number; to: number; hashes: string[] }> {
  return {
    from,
    to,
    hashes: b64(
      await withNodes(
        (nodes) => consistencyPath(from, to, nodes),
        (keys) => store.treeNodes(keys),
      ),
    ),
  }
}

/** The root of the stored tree at `size` (audit, tests). */
export const storedRoot = (store: Repository, size: number): Promise<Buffer> =>
  withNodes(
    (nodes) => rootHash(size, nodes),
    (keys) => store.treeNodes(keys),
  )
