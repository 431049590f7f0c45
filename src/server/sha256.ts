// SHA-256 for the collector's hot paths. crypto.hash (Node ≥ 20.12) is a one-shot without a Hash
// object: about half the CPU time of createHash for the short inputs hashed per receipt (the
// thumbprint, content and entry hashes, log.ts; a Merkle leaf and interior nodes, merkle.ts).
import crypto, { createHash } from 'node:crypto'

const oneShot = (crypto as { hash?: typeof crypto.hash }).hash

/** base64url of SHA-256 of the UTF-8 text. */
export const sha256: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'base64url')
  : (text) => createHash('sha256').update(text).digest('base64url')

/** SHA-256 of the UTF-8 text or the bytes, as bytes. */
export const sha256Bytes: (data: string | Buffer) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer') as unknown as Buffer
  : (data) => createHash('sha256').update(data).digest()
