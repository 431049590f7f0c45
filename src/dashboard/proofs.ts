// Inclusion proofs for a looked-up consent id (docs/collector.md, "Console"): for each receipt,
// the collector's own proof route (GET /log/proof/inclusion) against the newest checkpoint, checked
// here in the browser with WebCrypto by the same code as the `consentry/verify` module
// (receipts/log-proof.ts, RFC 9162 §2.1.3.2), so the console shows what it checked, not what the
// collector claims.

import { parseCheckpoint, verifyCheckpointSignature, parseVerifierKey, verifyReceiptInclusion, type InclusionProof } from '../receipts/log-proof.js'
import { checkpointNote, inclusionProof, inclusionProofPath, logKey, type StoredReceipt } from './api.js'
import { count, h, scrollable } from './dom.js'

/** Proofs fetched at once: a consent id has a handful of receipts, a busy one a few hundred. */
const PARALLEL = 4

type ReceiptProof =
  | { receipt: StoredReceipt; state: 'verified' | 'failed'; proof: InclusionProof; detail?: string | undefined }
  | { receipt: StoredReceipt; state: 'pending' | 'error'; detail: string }

type Signature = { signature: 'verified' | 'failed'; signer: string } | { signature: 'unchecked'; reason: string }

interface ProofReport {
  /** The newest checkpoint: its size, and whether its signature verified with the collector's log key. */
  checkpoint: { size: number; origin: string; signed: Signature } | null
  proofs: ReceiptProof[]
}

async function signatureOf(note: string, vkey: string | null): Promise<Signature> {
  if (vkey === null) return { signature: 'unchecked', reason: 'this collector serves no log key' }
  try {
    const key = await parseVerifierKey(vkey)
    return { signature: (await verifyCheckpointSignature(parseCheckpoint(note), key)) ? 'verified' : 'failed', signer: key.name }
  } catch (error) {
    // A browser without WebCrypto Ed25519, or a key that does not parse.
    return { signature: 'unchecked', reason: (error as Error).message }
  }
}

/** Checks every receipt against the newest checkpoint. Receipts after it are "pending". */
export async function checkProofs(receipts: StoredReceipt[]): Promise<ProofReport> {
  const [note, vkey] = await Promise.all([checkpointNote(), logKey()])
  if (note === null) return { checkpoint: null, proofs: receipts.map((receipt) => ({ receipt, state: 'pending', detail: 'the log has no checkpoint yet' })) }
  const parsed = parseCheckpoint(note)
  const size = parsed.size
  const proofs: ReceiptProof[] = new Array(receipts.length)
  const one = async (receipt: StoredReceipt): Promise<ReceiptProof> => {
    // Log entry k is leaf k − 1 of the tree.
    const leaf = receipt.logIndex - 1
    if (leaf >= size) return { receipt, state: 'pending', detail: `not in a checkpoint yet (the newest covers ${count(size)} entries)` }
    try {
      const proof = await inclusionProof(leaf, size)
      const result = await verifyReceiptInclusion(receipt.jws, proof, note)
      return { receipt, state: result.ok ? 'verified' : 'failed', proof, detail: result.detail }
    } catch (error) {
      return { receipt, state: 'error', detail: (error as Error).message }
    }
  }
  let next = 0
  const worker = async () => {
    while (next < receipts.length) {
      const i = next++
      proofs[i] = await one(receipts[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, receipts.length) }, worker))
  return { checkpoint: { size, origin: parsed.origin, signed: await signatureOf(note, vkey) }, proofs }
}

const STATE_TEXT = { verified: 'verified', failed: 'does not verify', pending: 'pending', error: 'could not be fetched' }

function proofRow(p: ReceiptProof) {
  const path =
    'proof' in p
      ? p.proof.hashes.length === 0
        ? h('span', { class: 'muted' }, 'empty (the leaf is the root)')
        : h(
            'details',
            { class: 'path' },
            h('summary', {}, `${p.proof.hashes.length} hash${p.proof.hashes.length === 1 ? '' : 'es'}`),
            h('ol', {}, ...p.proof.hashes.map((hash) => h('li', {}, h('code', { class: 'hash' }, hash)))),
          )
      : '–'
  const link =
    'proof' in p ? h('a', { href: inclusionProofPath(p.proof.index, p.proof.size), 'aria-label': `Proof JSON of receipt ${p.receipt.seq}` }, 'JSON') : null
  return h(
    'tr',
    { class: `proof ${p.state}` },
    h('th', { scope: 'row' }, String(p.receipt.seq)),
    h('td', { class: 'num' }, 'proof' in p ? count(p.proof.index) : count(p.receipt.logIndex - 1)),
    h('td', { class: 'num' }, 'proof' in p ? count(p.proof.size) : '–'),
    h('td', {}, h('span', { class: `verdict ${p.state}` }, STATE_TEXT[p.state]), p.detail ? h('span', { class: 'muted detail' }, p.detail) : null),
    h('td', {}, h('div', { class: 'path-cell' }, path, link)),
  )
}

function signatureText(origin: string, signed: Signature): string {
  if (signed.signature === 'unchecked') return `Checkpoint "${origin}": signature not checked (${signed.reason}).`
  return signed.signature === 'verified'
    ? `Checkpoint "${origin}": signature verified with this collector's log key (${signed.signer}). Compare the key with the one the site publishes.`
    : `Checkpoint "${origin}": its signature does NOT verify with this collector's log key (${signed.signer}).`
}

export function renderProofs(report: ProofReport): HTMLElement {
  const cp = report.checkpoint
  const verified = report.proofs.filter((p) => p.state === 'verified').length
  const failed = report.proofs.filter((p) => p.state === 'failed' || p.state === 'error').length
  const n = report.proofs.length
  const badge = !cp
    ? h('p', { class: 'badge warn' }, 'No checkpoint yet: the log has not been signed, so there is nothing to prove inclusion against.')
    : failed > 0
      ? h(
          'p',
          { class: 'badge warn' },
          `${failed} of ${n} receipt${n === 1 ? '' : 's'} ${failed === 1 ? 'does' : 'do'} not verify against the checkpoint of ${count(cp.size)} entries.`,
        )
      : h(
          'p',
          { class: verified === n ? 'badge ok' : 'badge warn' },
          `${verified} of ${n} receipt${n === 1 ? '' : 's'} verified in the checkpoint of ${count(cp.size)} entries.`,
        )
  const signature =
    cp && h('p', { class: cp.signed.signature === 'failed' ? 'error' : 'hint', id: 'checkpoint-signature' }, signatureText(cp.origin, cp.signed))
  const table = h(
    'table',
    { class: 'data proofs' },
    h('caption', {}, 'Inclusion of each receipt in the newest checkpoint (RFC 9162), checked in this browser'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Seq', 'Leaf', 'Tree size', 'Inclusion', 'Proof path'].map((l, i) => h('th', { scope: 'col', class: i === 1 || i === 2 ? 'num' : '' }, l)),
      ),
    ),
    h('tbody', {}, ...report.proofs.map(proofRow)),
  )
  return h(
    'section',
    { class: 'inclusion', 'aria-labelledby': 'inclusion-title' },
    h('h3', { id: 'inclusion-title' }, 'Inclusion proofs'),
    badge,
    signature,
    scrollable('Inclusion proofs', table),
  )
}
