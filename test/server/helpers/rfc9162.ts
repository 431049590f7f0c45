// An independent RFC 9162 verifier and C2SP note check, written from the RFCs for the tests:
// node:crypto only, nothing imported from src/, so that a mistake shared by the project's
// prover and its own verifier (src/receipts/log-proof.ts) cannot hide.
import { expect } from 'vitest'
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'

export const H = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest()
export const leafOf = (data: string): Buffer => H(Buffer.from([0]), Buffer.from(data, 'utf8'))
const node = (l: Buffer, r: Buffer): Buffer => H(Buffer.from([1]), l, r)

/** §2.1.1: MTH over leaf hashes. */
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return H()
  if (leaves.length === 1) return leaves[0]!
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}

/** §2.1.3.2, step by step. */
export function verifyInclusionRfc(hash: Buffer, index: number, size: number, path: Buffer[], root: Buffer): boolean {
  if (index >= size) return false
  let fn = index
  let sn = size - 1
  let r = hash
  for (const p of path) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r)
      if (fn % 2 === 0) {
        while (!(fn % 2 === 1 || fn === 0)) {
          fn = fn >> 1
          sn = sn >> 1
        }
      }
    } else {
      r = node(r, p)
    }
    fn = fn >> 1
    sn = sn >> 1
  }
  return sn === 0 && r.equals(root)
}

/** §2.1.4.2, step by step. */
export function verifyConsistencyRfc(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash)
  if (first > second || first === 0) return false
  if (proof.length === 0) return false
  let path = proof
  if ((first & (first - 1)) === 0) path = [firstHash, ...path]
  let fn = first - 1
  let sn = second - 1
  while (fn % 2 === 1) {
    fn = fn >> 1
    sn = sn >> 1
  }
  let fr = path[0]!
  let sr = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr)
      sr = node(c, sr)
      if (fn % 2 === 0) {
        while (!(fn % 2 === 1 || fn === 0)) {
          fn = fn >> 1
          sn = sn >> 1
        }
      }
    } else {
      sr = node(sr, c)
    }
    fn = fn >> 1
    sn = sn >> 1
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0
}

/** C2SP signed note + tlog-checkpoint, checked against a verifier key string. */
export function openCheckpoint(note: string, vkey: string): { origin: string; size: number; root: Buffer } {
  // name+id+key, where the base64 key may itself contain '+'.
  const [, name, id, keyB64] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey.trim()) as unknown as [string, string, string, string]
  const keyBytes = Buffer.from(keyB64, 'base64')
  expect(keyBytes[0]).toBe(1)
  expect(
    H(Buffer.from(`${name}\n`), keyBytes)
      .subarray(0, 4)
      .toString('hex'),
  ).toBe(id)
  const publicKey: KeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keyBytes.subarray(1).toString('base64url') }, format: 'jwk' })
  const [text, sigs] = note.split('\n\n') as [string, string]
  const lines = text.split('\n')
  expect(lines[0]).toBe(name)
  const sigLine = sigs.split('\n').find((l) => l.startsWith(`\u2014 ${name} `))!
  const sig = Buffer.from(sigLine.split(' ')[2]!, 'base64')
  expect(sig.subarray(0, 4).toString('hex')).toBe(id)
  expect(verify(null, Buffer.from(text + '\n'), publicKey, sig.subarray(4))).toBe(true)
  return { origin: lines[0]!, size: Number(lines[1]), root: Buffer.from(lines[2]!, 'base64') }
}

export const b = (hashes: string[]): Buffer[] => hashes.map((h) => Buffer.from(h, 'base64'))
