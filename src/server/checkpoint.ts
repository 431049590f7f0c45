// Checkpoints of the log: C2SP signed notes (tlog-checkpoint over signed-note), Ed25519.
//
//   <origin>\n<tree size>\n<root hash, standard base64>\n\n— <name> <base64(key id ‖ signature)>\n
//
// The key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); the signature
// covers the text up to and including the newline before the blank line. The name is the origin.
//
// The checkpoint key is not the countersigning key itself but an Ed25519 key derived from it
// (HKDF, keys.ts `derive`): one key file for the operator to keep, one key per kind of message,
// and an Ed25519 key even when the countersigning key is ES256.

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { hostname } from 'node:os'
import type { CollectorKey } from './keys.js'

const CHECKPOINT_KEY_PURPOSE = 'consentry log checkpoint key v1'

/** CONSENTRY_LOG_ORIGIN, else `<host name>/consentry`. */
export const defaultOrigin = (): string => process.env.CONSENTRY_LOG_ORIGIN || `${hostname()}/consentry`

export interface CheckpointSigner {
  origin: string
  /** The verifier key (GET /log/key). */
  vkey: string
  publicKey: KeyObject
  /** The signed note for a tree of `size` with `root`. */
  note(size: number, root: Buffer): string
}

/** PKCS#8 DER prefix of an Ed25519 private key, before its 32-byte seed (RFC 8410). */
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

const rawPublic = (publicKey: KeyObject): Buffer => Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url')

/** Signed-note signature types (C2SP signed-note, tlog-cosignature): the log's own Ed25519 key, a witness's cosignature/v1 key. */
const ED25519 = 0x01
export const COSIGNATURE_V1 = 0x04

/** A signed-note key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ signature type ‖ public key). */
const keyIdOf = (name: string, publicKey: KeyObject, type = ED25519): Buffer =>
  createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([type]))
    .update(rawPublic(publicKey))
    .digest()
    .subarray(0, 4)

export const verifierKeyOf = (name: string, publicKey: KeyObject): string =>
  `${name}+${keyIdOf(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), rawPublic(publicKey)]).toString('base64')}`

/** The checkpoint key of a collector key: its private half derived, so only the collector can sign. */
function checkpointKeyOf(key: CollectorKey): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, key.derive(CHECKPOINT_KEY_PURPOSE)]), format: 'der', type: 'pkcs8' })
}

/** The checkpoint public key of a collector key, for `audit` with the key file. */
export const checkpointPublicKeyOf = (key: CollectorKey): KeyObject => createPublicKey(checkpointKeyOf(key))

/** Checkpoint names must not contain spaces or '+' (they end up in the verifier key). */
function checkOrigin(origin: string): void {
  if (!/^[^\s+]+$/.test(origin)) throw new Error(`log origin: expected a name without spaces or '+', like example.com/consentry; got ${JSON.stringify(origin)}`)
}

export function checkpointSigner(key: CollectorKey, origin: string): CheckpointSigner {
  checkOrigin(origin)
  const privateKey = checkpointKeyOf(key)
  const publicKey = createPublicKey(privateKey)
  const keyId = keyIdOf(origin, publicKey)
  return {
    origin,
    vkey: verifierKeyOf(origin, publicKey),
    publicKey,
    note(size, root) {
      const text = `${origin}\n${size}\n${root.toString('base64')}\n`
      const signature = sign(null, Buffer.from(text), privateKey)
      return `${text}\n\u2014 ${origin} ${Buffer.concat([keyId, signature]).toString('base64')}\n`
    },
  }
}

export interface ParsedNote {
  origin: string
  size: number
  root: Buffer
  text: string
  signatures: { name: string; keyId: Buffer; signature: Buffer }[]
}

/** Parses a checkpoint note (server side, synchronous); throws on anything malformed. */
export function parseNote(note: string): ParsedNote {
  const split = note.indexOf('\n\n')
  if (split < 0) throw new Error('checkpoint: no blank line between the text and the signatures')
  const text = note.slice(0, split + 1)
  const [origin, sizeText, rootText] = text.slice(0, -1).split('\n')
  if (!origin || !/^(0|[1-9]\d{0,15})$/.test(sizeText ?? '')) throw new Error('checkpoint: lines 1–2 must be the origin and a tree size')
  const root = Buffer.from(rootText ?? '', 'base64')
  if (root.length !== 32) throw new Error('checkpoint: line 3 is not a base64 SHA-256 root hash')
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line)
      if (!match) throw new Error(`checkpoint: not a signature line: ${JSON.stringify(line)}`)
      const bytes = Buffer.from(match[2]!, 'base64')
      return { name: match[1]!, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) }
    })
  return { origin, size: Number(sizeText), root, text, signatures }
}

/** True when the note carries a valid signature under its own origin by `publicKey`. */
export function noteSignedBy(note: ParsedNote, publicKey: KeyObject): boolean {
  const keyId = keyIdOf(note.origin, publicKey)
  return note.signatures.some((s) => s.name === note.origin && s.keyId.equals(keyId) && verify(null, Buffer.from(note.text), publicKey, s.signature))
}

export interface Vkey {
  name: string
  /** 4 bytes, hex. */
  keyId: string
  publicKey: KeyObject
}

/**
 * A signed-note verifier key `<name>+<key id, 8 hex digits>+<base64(type ‖ 32-byte Ed25519 key)>`
 * of signature type `type`, checked against its key id. Throws `<what>: <expected>` when
 * malformed and `<what>: the key id does not match the name and key`.
 */
export function parseVkey(vkey: string, type: number, what: string, expected: string): Vkey {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim())
  const bytes = match ? Buffer.from(match[3]!, 'base64') : Buffer.alloc(0)
  if (!match || bytes.length !== 33 || bytes[0] !== type) throw new Error(`${what}: ${expected}`)
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(1).toString('base64url') }, format: 'jwk' })
  if (keyIdOf(match[1]!, publicKey, type).toString('hex') !== match[2]) throw new Error(`${what}: the key id does not match the name and key`)
  return { name: match[1]!, keyId: match[2]!, publicKey }
}

/** The public key of a verifier key string (GET /log/key), checked against its key id. */
export const publicKeyOfVkey = (vkey: string): Vkey =>
  parseVkey(vkey, ED25519, 'log key', 'expected <name>+<8 hex digits>+<base64(0x01 ‖ Ed25519 key)> as GET /log/key gives it')
