// Checks of the collector's verifiable log (docs/collector.md, "Verifiable log"), written for
// browsers and Node alike: WebCrypto only, no Node API. They answer "is this receipt in the log
// that this signed checkpoint describes?" (inclusion) and "is this checkpoint an extension of
// the one I kept?" (consistency), following RFC 9162 §2.1.3.2 and §2.1.4.2, and check the
// checkpoint's C2SP signed-note signature (Ed25519).

/** SHA-256 of bytes; WebCrypto by default. */
export type Sha256 = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer>>

const subtle = (): SubtleCrypto => globalThis.crypto.subtle
const subtleSha256: Sha256 = async (data) => new Uint8Array(await subtle().digest('SHA-256', data))

const encoder = new TextEncoder()

const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) out.set(p, at), (at += p.length)
  return out
}

const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/** Leaf hash of a log entry's data (the compact JWS, or the record JSON): SHA-256(0x00 ‖ data). */
export async function logLeafHash(data: string | Uint8Array, sha256: Sha256 = subtleSha256): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(concat(new Uint8Array([0]), typeof data === 'string' ? encoder.encode(data) : data))
}

const interior = (sha256: Sha256, left: Uint8Array, right: Uint8Array) => sha256(concat(new Uint8Array([1]), left, right))

/** An inclusion proof as GET /log/proof/inclusion answers it. */
export interface InclusionProof {
  index: number
  size: number
  hashes: string[]
}

/** A consistency proof as GET /log/proof/consistency answers it. */
export interface ConsistencyProof {
  from: number
  to: number
  hashes: string[]
}

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** RFC 9162 §2.1.3.2: true when `leafHash` at `proof.index` is in the tree of `proof.size` with `root`. */
export async function verifyInclusion(leafHash: Uint8Array, proof: InclusionProof, root: Uint8Array, sha256: Sha256 = subtleSha256): Promise<boolean> {
  const { index, size } = proof
  if (!isIndex(index) || !isIndex(size) || index >= size || !Array.isArray(proof.hashes)) return false
  let fn = index
  let sn = size - 1
  let r: Uint8Array = leafHash
  for (const text of proof.hashes) {
    if (sn === 0) return false
    const p = fromBase64(text)
    if (fn % 2 === 1 || fn === sn) {
      r = await interior(sha256, p, r)
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) (fn = Math.floor(fn / 2)), (sn = Math.floor(sn / 2))
    } else {
      r = await interior(sha256, r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(r, root)
}

/** RFC 9162 §2.1.4.2: true when the tree of `proof.to` with `newRoot` extends the one of `proof.from` with `oldRoot`. */
export async function verifyConsistency(oldRoot: Uint8Array, newRoot: Uint8Array, proof: ConsistencyProof, sha256: Sha256 = subtleSha256): Promise<boolean> {
  const { from, to } = proof
  if (!isIndex(from) || !isIndex(to) || from > to || from === 0 || !Array.isArray(proof.hashes)) return false
  if (from === to) return proof.hashes.length === 0 && equal(oldRoot, newRoot)
  if (proof.hashes.length === 0) return false
  let path: Uint8Array[] = proof.hashes.map(fromBase64)
  // A power-of-two old tree is itself a node of the new one: the proof leaves it out.
  if (Number.isInteger(Math.log2(from))) path = [oldRoot, ...path]
  let fn = from - 1
  let sn = to - 1
  while (fn % 2 === 1) (fn = Math.floor(fn / 2)), (sn = Math.floor(sn / 2))
  let fr: Uint8Array = path[0]!
  let sr: Uint8Array = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = await interior(sha256, c, fr)
      sr = await interior(sha256, c, sr)
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) (fn = Math.floor(fn / 2)), (sn = Math.floor(sn / 2))
    } else {
      sr = await interior(sha256, sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot)
}

/** A checkpoint's body (C2SP tlog-checkpoint): origin, tree size, root hash, extension lines. */
export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array<ArrayBuffer>
  extensions: string[]
  /** The signed text: every line up to and including the newline before the blank line. */
  text: string
  signatures: { name: string; keyId: Uint8Array<ArrayBuffer>; signature: Uint8Array<ArrayBuffer> }[]
}

/** Parses a signed note holding a checkpoint; throws a readable error when it is not one. */
export function parseCheckpoint(note: string): Checkpoint {
  const split = note.indexOf('\n\n')
  if (split < 0) throw new Error('checkpoint: no blank line between the text and the signatures')
  const text = note.slice(0, split + 1)
  const [origin, sizeText, rootText, ...extensions] = text.slice(0, -1).split('\n')
  if (!origin) throw new Error('checkpoint: line 1 (origin) is empty')
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeText ?? '')) throw new Error(`checkpoint: line 2 is not a tree size: ${JSON.stringify(sizeText)}`)
  const root = fromBase64(rootText ?? '')
  if (root.length !== 32) throw new Error('checkpoint: line 3 is not a base64 SHA-256 root hash')
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line)
      if (!match) throw new Error(`checkpoint: not a signature line: ${JSON.stringify(line)}`)
      const bytes = fromBase64(match[2]!)
      if (bytes.length < 5) throw new Error('checkpoint: a signature line is too short')
      return { name: match[1]!, keyId: bytes.slice(0, 4), signature: bytes.slice(4) }
    })
  return { origin, size: Number(sizeText), root, extensions, text, signatures }
}

/** A verifier key `<name>+<key id hex>+<base64(0x01 ‖ Ed25519 public key)>` (GET /log/key). */
export interface VerifierKey {
  name: string
  keyId: Uint8Array<ArrayBuffer>
  publicKey: Uint8Array<ArrayBuffer>
}

export async function parseVerifierKey(vkey: string, sha256: Sha256 = subtleSha256): Promise<VerifierKey> {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim())
  if (!match) throw new Error('verifier key: expected <name>+<8 hex digits>+<base64 key>')
  const bytes = fromBase64(match[3]!)
  if (bytes.length !== 33 || bytes[0] !== 1) throw new Error('verifier key: expected an Ed25519 key (type byte 0x01 and 32 bytes)')
  const keyId = (await sha256(concat(encoder.encode(`${match[1]}\n`), bytes))).slice(0, 4)
  if (toHex(keyId) !== match[2]) throw new Error('verifier key: the key id does not match the name and key')
  return { name: match[1]!, keyId, publicKey: bytes.slice(1) }
}

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** True when `checkpoint` carries a valid Ed25519 signature by `key` (WebCrypto Ed25519). */
export async function verifyCheckpointSignature(checkpoint: Checkpoint, key: VerifierKey): Promise<boolean> {
  const line = checkpoint.signatures.find((s) => s.name === key.name && equal(s.keyId, key.keyId))
  if (!line) return false
  const publicKey = await subtle().importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify'])
  return subtle().verify({ name: 'Ed25519' }, publicKey, line.signature, encoder.encode(checkpoint.text))
}

export interface ReceiptInclusion {
  ok: boolean
  /** What failed, in words, when not ok. */
  detail?: string
}

/**
 * Everything a visitor can check offline: `note` is signed by `vkey` (when given), `proof` is
 * for the checkpoint's size, and `data` (the compact JWS as sent) is leaf `proof.index` of it.
 */
export async function verifyReceiptInclusion(data: string, proof: InclusionProof, note: string, vkey?: string): Promise<ReceiptInclusion> {
  let checkpoint: Checkpoint
  try {
    checkpoint = parseCheckpoint(note)
    if (vkey !== undefined && !(await verifyCheckpointSignature(checkpoint, await parseVerifierKey(vkey)))) {
      return { ok: false, detail: 'the checkpoint is not signed by the given log key' }
    }
  } catch (error) {
    return { ok: false, detail: (error as Error).message }
  }
  if (proof.size !== checkpoint.size) return { ok: false, detail: `the proof is for tree size ${proof.size}, the checkpoint for ${checkpoint.size}` }
  const ok = await verifyInclusion(await logLeafHash(data), proof, checkpoint.root)
  return ok ? { ok } : { ok, detail: `the receipt is not leaf ${proof.index} of the tree this checkpoint signs` }
}
