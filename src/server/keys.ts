// The collector's own signing key: it countersigns every log entry, and its public half is
// served at /.well-known/jwks.json so anyone holding a countersignature can check it.
//
// Sources, in order: a PEM (PKCS#8) in CONSENTRY_COLLECTOR_KEY, else a key file, created on
// first start with mode 0600. Ed25519 ("EdDSA") by default; ES256 for verifiers without it.

import { createECDH, createHash, createPrivateKey, hkdfSync, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { thumbprintInput } from '../receipts/digest.js'

export type CollectorAlg = 'EdDSA' | 'ES256'

export interface PublicJwks {
  keys: Record<string, string>[]
}

export interface CollectorKey {
  alg: CollectorAlg
  /** RFC 7638 thumbprint of the public key. */
  kid: string
  /** The public key as a JWK with kid, alg and use. */
  publicJwk: Record<string, string>
  /** Compact JWS over `payload` (JSON), typ "consent-countersignature+jwt" unless given. */
  sign(payload: object, typ?: string): string
  /**
   * 32 bytes derived from the private key for `purpose` (HKDF-SHA256): the seed of the log's
   * checkpoint key (checkpoint.ts), so that one key file holds both and neither signs the other's messages.
   */
  derive(purpose: string): Buffer
}

export const COUNTERSIGNATURE_TYP = 'consent-countersignature+jwt'

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

function algOf(key: KeyObject): CollectorAlg {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA'
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256'
  throw new Error(`collector key: expected an Ed25519 or P-256 private key, got ${key.asymmetricKeyType}`)
}

/** Public JWK with kid = RFC 7638 thumbprint (required members, sorted, no whitespace). */
export function publicJwkOf(publicKey: KeyObject): Record<string, string> {
  const alg = algOf(publicKey)
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>
  const { crv, kty, x, y } = jwk
  const kid = createHash('sha256').update(thumbprintInput({ crv, kty, x, y })).digest('base64url')
  return { ...JSON.parse(thumbprintInput({ crv, kty, x, y })), kid, alg, use: 'sig' }
}

const rawSign = (alg: CollectorAlg, key: KeyObject, data: Buffer): Buffer =>
  alg === 'EdDSA' ? sign(null, data, key) : sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })

export function collectorKeyFrom(privateKey: KeyObject): CollectorKey {
  const alg = algOf(privateKey)
  const publicJwk = publicJwkOf(createPublicKey(privateKey))
  const headerOf = (typ: string) => b64url(JSON.stringify({ alg, typ, kid: publicJwk.kid }))
  const header = headerOf(COUNTERSIGNATURE_TYP)
  return {
    alg,
    kid: publicJwk.kid!,
    publicJwk,
    sign(payload, typ) {
      const input = `${typ === undefined ? header : headerOf(typ)}.${b64url(JSON.stringify(payload))}`
      return `${input}.${b64url(rawSign(alg, privateKey, Buffer.from(input)))}`
    },
    derive(purpose) {
      const secret = Buffer.from((privateKey.export({ format: 'jwk' }) as { d: string }).d, 'base64url')
      return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32))
    },
  }
}

/** The key file is not there, and creating one was not allowed. */
export class MissingKeyError extends Error {
  readonly file: string
  constructor(file: string) {
    super(`collector key: ${file} does not exist (give --key, or CONSENTRY_COLLECTOR_KEY)`)
    this.name = 'MissingKeyError'
    this.file = file
  }
}

export interface KeySource {
  /** PEM text (PKCS#8), e.g. from an environment variable. Wins over `file`. */
  pem?: string | undefined
  /** Key file; created with mode 0600 when missing. */
  file?: string | undefined
  /** Algorithm for a new key (default EdDSA). */
  alg?: CollectorAlg | undefined
  /** Create the file when it is missing (serve); otherwise a missing key is an error. */
  create?: boolean
  /** Told about a key file readable by others. */
  warn?: (message: string) => void
}

/** PKCS#8 DER of an Ed25519 key up to its 32-byte seed (RFC 8410 §7). */
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * A new private key of `alg`, made without node:crypto's key-generation jobs: on Node 20 a
 * garbage collection inside `export({ format: 'jwk' })` can run a finished KeyGenJob's
 * destructor, which waits for a mutex the export already holds, and the process hangs for
 * good (seen in the server tests' fuzz, which makes thousands of keys; gdb: ~KeyGenJob under
 * ExportJWKEcKey). A random Ed25519 seed, or an ECDH key pair for P-256, makes no such job.
 */
export function newPrivateKey(alg: CollectorAlg = 'EdDSA'): KeyObject {
  if (alg === 'EdDSA') return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, randomBytes(32)]), format: 'der', type: 'pkcs8' })
  const ecdh = createECDH('prime256v1')
  const point = ecdh.generateKeys()
  const part = (from: number) => point.subarray(from, from + 32).toString('base64url')
  const secret = ecdh.getPrivateKey() // may be shorter than 32 bytes: its leading zeros dropped
  const d = Buffer.concat([Buffer.alloc(32 - secret.length), secret]).toString('base64url')
  return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: part(1), y: part(33), d }, format: 'jwk' })
}

/** A new private key of `alg`, as PKCS#8 PEM. */
export const newKeyPem = (alg: CollectorAlg = 'EdDSA'): string => newPrivateKey(alg).export({ format: 'pem', type: 'pkcs8' }) as string

/** Writes a key file readable by its owner only; fails if the file exists. */
export function writeKeyFile(file: string, pem: string): void {
  // 'wx': if two processes start at once, one creates the file and the other fails here
  // instead of silently replacing a key that may already have signed entries.
  writeFileSync(file, pem, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600) // the mode above is filtered by the umask; be explicit
}

export function loadOrCreateKey(source: KeySource): CollectorKey {
  if (source.pem) return collectorKeyFrom(createPrivateKey(source.pem))
  if (!source.file) throw new Error('collector key: give a key file or a PEM')
  let pem: string
  try {
    pem = readFileSync(source.file, 'utf8')
    const mode = statSync(source.file).mode & 0o777
    if (mode & 0o077) source.warn?.(`collector key ${source.file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    if (!source.create) throw new MissingKeyError(source.file)
    pem = newKeyPem(source.alg)
    writeKeyFile(source.file, pem)
  }
  return collectorKeyFrom(createPrivateKey(pem))
}

/**
 * Checks a countersignature against a public JWK (one of the collector's, e.g. from its JWKS)
 * and returns its payload, or a reason why it does not hold.
 */
export function verifyCountersignature(jws: string, jwks: PublicJwks, typ = COUNTERSIGNATURE_TYP): { payload: Record<string, unknown> } | { error: string } {
  const parts = jws.split('.')
  if (parts.length !== 3) return { error: 'not a compact JWS' }
  let header: Record<string, unknown>
  let payload: Record<string, unknown>
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'))
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
  } catch {
    return { error: 'header or payload is not JSON' }
  }
  const jwk = jwks.keys.find((k) => k.kid === header.kid)
  if (!jwk) return { error: `signed by unknown key ${JSON.stringify(header.kid)}` }
  if (header.alg !== jwk.alg || header.typ !== typ) return { error: 'unexpected alg or typ' }
  const key = createPublicKey({ key: jwk as never, format: 'jwk' })
  const data = Buffer.from(`${parts[0]}.${parts[1]}`)
  const signature = Buffer.from(parts[2]!, 'base64url')
  const ok = jwk.alg === 'EdDSA' ? verify(null, data, key, signature) : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
  return ok ? { payload } : { error: 'signature does not verify' }
}
