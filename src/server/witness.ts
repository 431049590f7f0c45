// Witness cosignatures of checkpoints (C2SP tlog-cosignature, Ed25519 "cosignature/v1";
// docs/collector.md, "Witnesses").
//
// A witness keeps the last checkpoint it saw, checks that a new one is consistent with it, and
// signs it. Its signature is a signed-note line:
//
//   — <witness name> base64(key id ‖ u64 big-endian timestamp ‖ Ed25519 signature)
//
// with key id = SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4] and the signature over
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's text (up to the blank line).
// The collector accepts lines only from the witness keys its operator configured, as vkeys
// `<name>+<key id hex>+<base64(0x04 ‖ 32-byte key)>`, and serves them back under its checkpoint.

import { verify } from 'node:crypto'
import { HttpError } from './errors.js'
import { COSIGNATURE_V1, parseNote, parseVkey, type ParsedNote, type Vkey } from './checkpoint.js'

/** Witness timestamps more than this far ahead of the collector's clock are refused. */
const MAX_FUTURE_SKEW_S = 300

export interface WitnessKey extends Vkey {
  vkey: string
}

export interface Cosignature {
  size: number
  witness: string
  keyId: string
  /** The witness's POSIX timestamp (seconds). */
  time: number
  /** base64(key id ‖ timestamp ‖ signature): the signature line's last field. */
  signature: string
}

/** One witness vkey, checked against its own key id; throws with what was expected. */
export const parseWitnessKey = (vkey: string): WitnessKey => ({
  ...parseVkey(
    vkey,
    COSIGNATURE_V1,
    `witness key ${JSON.stringify(vkey)}`,
    'expected <name>+<8 hex digits>+<base64(0x04 ‖ 32-byte Ed25519 key)>, a C2SP cosignature/v1 verifier key',
  ),
  vkey: vkey.trim(),
})

/** CONSENTRY_WITNESS_KEYS: vkeys separated by commas or white space. */
export const parseWitnessKeys = (list: string | undefined): WitnessKey[] =>
  (list ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseWitnessKey)

/** The message a cosignature/v1 signs. */
export const cosignedMessage = (time: number, noteText: string): Buffer => Buffer.from(`cosignature/v1\ntime ${time}\n${noteText}`)

/** The note's signature line of a stored cosignature. */
export const cosignatureLine = (c: Cosignature): string => `\u2014 ${c.witness} ${c.signature}\n`

const refuse = (code: string, detail: string): never => {
  throw new HttpError(400, code, detail)
}

/**
 * Checks the witness lines of a cosigned checkpoint `body` against the collector's own note of
 * that size (`stored`, undefined when there is none) and the configured witnesses. Returns the
 * cosignatures to keep, or throws HttpError 400 naming what is wrong.
 */
export async function checkCosignatures(
  body: string,
  storedNote: (size: number) => Promise<string | undefined>,
  witnesses: WitnessKey[],
  nowMs: number,
): Promise<Cosignature[]> {
  let note: ParsedNote
  try {
    note = parseNote(body)
  } catch (error) {
    return refuse('note', `${(error as Error).message} (send the checkpoint as GET /log/checkpoint gave it, with your signature line added)`)
  }
  const stored = await storedNote(note.size)
  if (stored === undefined) refuse('checkpoint', `this log has no checkpoint of ${note.size} leaves; cosign one from GET /log/checkpoint`)
  if (parseNote(stored!).text !== note.text)
    refuse(
      'checkpoint',
      `the note is not this log's checkpoint of ${note.size} leaves (origin or root hash differ): compare it with GET /log/checkpoint?size=${note.size}`,
    )
  const lines = note.signatures.filter((s) => s.name !== note.origin)
  if (lines.length === 0) refuse('witness', 'the note carries no witness signature line (— <witness name> <base64>) besides the log’s own')
  return lines.map((line) => {
    const keyId = line.keyId.toString('hex')
    const witness = witnesses.find((w) => w.name === line.name && w.keyId === keyId)
    if (!witness)
      refuse(
        'witness',
        `no witness key ${line.name} with key id ${keyId} is configured on this collector (the operator lists witness keys in CONSENTRY_WITNESS_KEYS)`,
      )
    if (line.signature.length !== 8 + 64) refuse('signature', `${line.name}: expected base64(key id ‖ 8-byte timestamp ‖ 64-byte Ed25519 signature)`)
    const time = line.signature.readBigUInt64BE(0)
    if (time > BigInt(Math.floor(nowMs / 1000) + MAX_FUTURE_SKEW_S)) refuse('time', `${line.name}: the cosignature's timestamp ${time} is in the future`)
    if (!verify(null, cosignedMessage(Number(time), note.text), witness!.publicKey, line.signature.subarray(8)))
      refuse(
        'signature',
        `${line.name}: the cosignature does not verify (Ed25519 over "cosignature/v1", "time ${time}" and this checkpoint's text) with the configured key`,
      )
    return {
      size: note.size,
      witness: line.name,
      keyId,
      time: Number(time),
      signature: Buffer.concat([line.keyId, line.signature]).toString('base64'),
    }
  })
}
