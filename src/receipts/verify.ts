// Verification of consent receipts (docs/receipts.md) and of their per-consent-id chains.
//
// Shared by the collector and by site owners' own back ends, so it uses only what both
// browsers and Node ≥ 20 have: globalThis.crypto.subtle, TextEncoder and atob (through
// core/base64url.ts). No DOM, no node: imports.

import { MODES } from '../config/types.js'
import { decode } from '../core/base64url.js'
import { sha256 as subtleSha256, thumbprintInput } from './digest.js'
import { RECEIPT_EVENTS, RECEIPT_SOURCES, type PublicJwk, type ReceiptHeader, type ReceiptPayload } from './types.js'

export type ReceiptErrorCode = 'format' | 'alg' | 'jwk' | 'kid' | 'signature' | 'claims' | 'iat'

/** Why a receipt was refused. `message` names the field, what was expected and what came. */
export class ReceiptError extends Error {
  readonly code: ReceiptErrorCode
  constructor(code: ReceiptErrorCode, message: string) {
    super(message)
    this.name = 'ReceiptError'
    this.code = code
  }
}

export interface VerifyOptions {
  /** The time to judge `iat` against, in milliseconds (default: Date.now()). */
  now?: number
  /** How far `iat` may lie ahead of `now` (clock skew), in seconds. Default 300. */
  maxFutureSkewSeconds?: number
  /** How far `iat` may lie behind `now` (an outbox may deliver late), in seconds. Default 400 days. */
  maxAgeSeconds?: number
  /**
   * base64url SHA-256 of a string (default: crypto.subtle). A server may pass a synchronous
   * one: in Node each subtle.digest is a thread-pool round trip costing more than the hash.
   */
  sha256?: (text: string) => string | Promise<string>
  /**
   * Checks the ES256 signature (default: crypto.subtle). A Node server may pass a synchronous
   * node:crypto one (see Es256Verifier); browsers and other runtimes keep the default.
   */
  es256?: Es256Verifier
  /**
   * Decodes base64url, throwing a TypeError on anything else (default: atob, which every runtime
   * has). A Node server may pass one over Buffer, which makes no intermediate strings or copies.
   */
  base64url?: (text: string) => Uint8Array<ArrayBuffer>
}

/**
 * Verifies an ES256 signature: `signature` is raw r‖s (64 bytes, RFC 7518 §3.4) over `data`
 * (the JWS signing input, UTF-8), made with the P-256 key `jwk`. `kid` is the RFC 7638
 * thumbprint of `jwk`, already checked, so a key cache may be keyed by it. Returns whether the
 * signature holds; throws a ReceiptError with code 'jwk' when `jwk` is not a valid P-256 point.
 */
export type Es256Verifier = (jwk: PublicJwk, kid: string, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) => boolean | Promise<boolean>

export interface VerifiedReceipt {
  header: ReceiptHeader
  payload: ReceiptPayload
  /** base64url SHA-256 of the compact JWS: what the next receipt's `prev` must equal. */
  hash: string
  /** The compact JWS as received. */
  jws: string
}

export const RECEIPT_TYP = 'consent-receipt+jwt'
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 5 * 60
export const DEFAULT_MAX_AGE_SECONDS = 400 * 24 * 60 * 60

const B64URL = /^[A-Za-z0-9_-]+$/
const DIGEST = /^[A-Za-z0-9_-]{43}$/
/** 32-byte P-256 coordinates are 43 base64url characters. */
const COORDINATE = DIGEST
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** A consent id as the SDK makes it (22 base64url characters), with room for other issuers. */
const CONSENT_ID = /^[A-Za-z0-9_-]{16,64}$/
/** seq fits a 32-bit signed integer column in every store. */
export const MAX_SEQ = 2 ** 31 - 1
/**
 * C0/C1 control characters (NUL included: PostgreSQL text cannot hold it) and UTF-16 that is
 * not well-formed (a lone surrogate: SQLite stores it as U+FFFD, and the stored column would
 * then differ from the signed claim). docs/collector.md, "Input limits".
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding C0/C1 control characters is this pattern's job
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const RESETS = ['key-lost', 'no-storage']
/**
 * An IAB TC string (docs/tcf.md, "Receipts"): base64url segments joined by ".", the core
 * segment first, version 2 ("C": its first six bits are 000010), then at least the
 * DisclosedVendors segment (segment type 1: "I" to "P"), which TCF 2.3 requires. A string
 * longer than 8,192 characters would describe more vendor ids than the GVL can hold.
 */
const TC_STRING = /^C[A-Za-z0-9_-]{15,}(\.[A-Za-z0-9_-]+)*\.[I-P][A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/
const TC_STRING_MAX = 8192
/**
 * Google's Additional Consent string, version 2 (docs/tcf.md, "Receipts"): `2~`, the ids of the
 * providers the visitor allowed, `~dv.`, the ids shown but not allowed; decimal ids joined by
 * "." (either list may be empty). Google's provider list has a few hundred entries; 8,192
 * characters is room for well over a thousand ids.
 */
const AC_STRING = /^2~(\d+(\.\d+)*)?~dv\.(\d+(\.\d+)*)?$/
const AC_STRING_MAX = 8192

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 60 ? text.slice(0, 57) + '...' : text
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

// Made once: a collector verifies thousands of receipts a second, and neither keeps state
// between calls (no `stream` option).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

function parseSegment(segment: string, name: string, base64url: (text: string) => Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(strictUtf8.decode(base64url(segment)))
  } catch {
    throw new ReceiptError('format', `${name}: not base64url-encoded UTF-8 JSON`)
  }
  if (!isObject(value)) throw new ReceiptError('format', `${name}: expected a JSON object, got ${show(value)}`)
  return value
}

// Importing a key costs more than the hash that identifies it, and a browser signs many
// receipts with one key, so imported keys are kept by thumbprint (bounded, oldest out).
// Keyed by the verified thumbprint, an entry can only ever hold the key that hashes to it.
const keyCache = new Map<string, CryptoKey>()
const KEY_CACHE_SIZE = 1024

async function importKey(jwk: PublicJwk, kid: string): Promise<CryptoKey> {
  const cached = keyCache.get(kid)
  if (cached) return cached
  // The uncompressed point 0x04‖x‖y: every WebCrypto imports it ('raw'), and in Node it is
  // several times cheaper than parsing the JWK — this import is a good part of a receipt's cost.
  const point = new Uint8Array(65)
  point[0] = 4
  point.set(decode(jwk.x), 1)
  point.set(decode(jwk.y), 33)
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('raw', point, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
  } catch {
    throw new ReceiptError('jwk', 'header.jwk: not a valid P-256 public key (point not on the curve)')
  }
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string)
  keyCache.set(kid, key)
  return key
}

/** The default Es256Verifier: WebCrypto, with the imported keys cached by thumbprint. */
export const subtleEs256: Es256Verifier = async (jwk, kid, signature, data) =>
  crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, await importKey(jwk, kid), signature, data)

function checkJwk(jwk: unknown): PublicJwk {
  if (!isObject(jwk)) throw new ReceiptError('jwk', `header.jwk: expected the signer's public key (an object), got ${show(jwk)}`)
  // A private key in the header would mean the browser leaked it; such a receipt proves nothing.
  if ('d' in jwk) throw new ReceiptError('jwk', 'header.jwk: contains "d", a private key; only the public key may be sent')
  if (jwk.kty !== 'EC') throw new ReceiptError('jwk', `header.jwk.kty: expected "EC", got ${show(jwk.kty)}`)
  if (jwk.crv !== 'P-256') throw new ReceiptError('jwk', `header.jwk.crv: expected "P-256", got ${show(jwk.crv)}`)
  for (const member of ['x', 'y'] as const) {
    const value = jwk[member]
    if (typeof value !== 'string' || !COORDINATE.test(value)) {
      throw new ReceiptError('jwk', `header.jwk.${member}: expected 43 base64url characters, got ${show(value)}`)
    }
  }
  return jwk as unknown as PublicJwk
}

export interface SignedJws {
  header: Record<string, unknown> & { jwk: PublicJwk; kid: string }
  payload: Record<string, unknown>
}

/**
 * Checks a compact JWS signed ES256 by the key in its own `jwk` header (receipts, and the
 * proof a browser sends to read its own receipts): the form, `alg`, `typ`, a public-only
 * P-256 `jwk`, `kid` = RFC 7638 thumbprint, and the signature. Claims are the caller's.
 */
export async function verifyEmbeddedKeyJws(
  compact: string,
  typ: string,
  sha256: VerifyOptions['sha256'] = subtleSha256,
  es256: Es256Verifier = subtleEs256,
  base64url: (text: string) => Uint8Array<ArrayBuffer> = decode,
): Promise<SignedJws> {
  if (typeof compact !== 'string') throw new ReceiptError('format', `expected a compact JWS string, got ${typeof compact}`)
  const parts = compact.trim().split('.')
  if (parts.length !== 3 || !parts.every((part) => B64URL.test(part))) {
    throw new ReceiptError('format', 'expected a compact JWS: three non-empty base64url segments joined by "."')
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string]
  const header = parseSegment(headerPart, 'header', base64url)
  if (header.alg !== 'ES256') throw new ReceiptError('alg', `header.alg: expected "ES256", got ${show(header.alg)}`)
  if (header.typ !== typ) throw new ReceiptError('format', `header.typ: expected ${show(typ)}, got ${show(header.typ)}`)
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if ('crit' in header) throw new ReceiptError('format', 'header.crit: no critical extensions are supported')
  const jwk = checkJwk(header.jwk)
  // RFC 7638: the required members, sorted, no whitespace (checkJwk has fixed kty and crv).
  const expectedKid = await sha256(thumbprintInput(jwk))
  if (header.kid !== expectedKid) {
    throw new ReceiptError('kid', `header.kid: expected the RFC 7638 thumbprint of header.jwk ${show(expectedKid)}, got ${show(header.kid)}`)
  }
  let signature: Uint8Array<ArrayBuffer>
  try {
    signature = base64url(signaturePart)
  } catch {
    throw new ReceiptError('format', 'signature: not base64url')
  }
  // ES256 in JWS is raw r‖s (RFC 7518 §3.4), not DER; WebCrypto signs and verifies exactly that.
  if (signature.length !== 64) {
    throw new ReceiptError('signature', `signature: expected 64 bytes (ES256 r‖s), got ${signature.length}`)
  }
  const signingInput = encoder.encode(`${headerPart}.${payloadPart}`)
  const valid = await es256(jwk, expectedKid, signature, signingInput)
  if (!valid) throw new ReceiptError('signature', 'signature: does not verify with header.jwk (altered or signed by another key)')
  return { header: header as SignedJws['header'], payload: parseSegment(payloadPart, 'payload', base64url) }
}

const claimError = (name: string, expected: string, value: unknown): ReceiptError =>
  new ReceiptError('claims', `payload.${name}: expected ${expected}, got ${show(value)}`)

function requireString(p: Record<string, unknown>, name: string, pattern?: RegExp, expected = 'a non-empty string'): void {
  const value = p[name]
  if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) throw claimError(name, expected, value)
}

function requireInteger(p: Record<string, unknown>, name: string, min: number): void {
  const value = p[name]
  if (!Number.isSafeInteger(value) || (value as number) < min) throw claimError(name, `an integer ≥ ${min}`, value)
}

function requireRecord(p: Record<string, unknown>, name: string, values: (v: unknown) => boolean, expected: string): void {
  const value = p[name]
  if (!isObject(value)) throw claimError(name, `an object of ${expected}`, value)
  for (const [key, item] of Object.entries(value)) {
    if (!values(item)) throw claimError(`${name}[${JSON.stringify(key)}]`, expected, item)
  }
}

/** The claim is one of `values`; the error lists them (`"a" | "b"`) unless `expected` says it otherwise. */
function requireOneOf(p: Record<string, unknown>, name: string, values: readonly string[], expected = values.map((v) => `"${v}"`).join(' | ')): void {
  if (!values.includes(p[name] as string)) throw claimError(name, expected, p[name])
}

function optional(p: Record<string, unknown>, name: string, check: () => void): void {
  if (p[name] !== undefined) check()
}

/** Every string in a claim value (keys too) is well-formed text without control characters. */
function checkText(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (UNSAFE_TEXT.test(value)) throw claimError(path, 'text without control characters or lone surrogates', value)
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSAFE_TEXT.test(key)) throw claimError(`${path}[${JSON.stringify(key)}]`, 'a key without control characters or lone surrogates', key)
      checkText(item, `${path}[${JSON.stringify(key)}]`)
    }
  }
}

/** Claim types of src/receipts/types.ts. Unknown claims are allowed (newer SDKs may add some). */
function checkClaims(p: Record<string, unknown>): ReceiptPayload {
  for (const [name, value] of Object.entries(p)) checkText(value, name)
  requireString(p, 'jti', UUID, 'a UUID')
  requireString(p, 'sub', CONSENT_ID, 'a non-empty string of 16 to 64 characters A-Z a-z 0-9 _ -')
  requireInteger(p, 'iat', 0)
  requireInteger(p, 'seq', 1)
  if ((p.seq as number) > MAX_SEQ) throw claimError('seq', `an integer from 1 to ${MAX_SEQ}`, p.seq)
  optional(p, 'mode', () => requireOneOf(p, 'mode', MODES))
  optional(p, 'region', () => requireString(p, 'region'))
  optional(p, 'tcf', () => {
    if (typeof p.tcf !== 'string' || p.tcf.length > TC_STRING_MAX || !TC_STRING.test(p.tcf))
      throw claimError('tcf', 'an IAB TC string (version 2, base64url segments joined by ".", with a DisclosedVendors segment)', p.tcf)
  })
  optional(p, 'addtlConsent', () => {
    if (typeof p.addtlConsent !== 'string' || p.addtlConsent.length > AC_STRING_MAX || !AC_STRING.test(p.addtlConsent))
      throw claimError('addtlConsent', 'a Google Additional Consent string, version 2 ("2~<allowed ids>~dv.<refused ids>", ids joined by ".")', p.addtlConsent)
    // Vendors read it beside a TC string, never alone.
    if (p.tcf === undefined) throw claimError('addtlConsent', 'only beside a tcf claim (an AC string goes with a TC string)', p.addtlConsent)
  })
  optional(p, 'reset', () => requireOneOf(p, 'reset', RESETS, '"key-lost" or "no-storage"'))
  // A first receipt, or one that starts over after the key was lost, has nothing to point to.
  if (p.prev !== undefined || ((p.seq as number) > 1 && p.reset === undefined)) {
    requireString(p, 'prev', DIGEST, 'a base64url SHA-256 (43 characters), required when seq > 1')
  }
  requireOneOf(p, 'event', RECEIPT_EVENTS)
  requireOneOf(p, 'source', RECEIPT_SOURCES)
  const isBoolean = (v: unknown): boolean => typeof v === 'boolean'
  requireRecord(p, 'categories', isBoolean, 'booleans')
  requireRecord(p, 'services', isBoolean, 'booleans')
  requireInteger(p, 'revision', 0)
  requireString(p, 'config', DIGEST, 'a base64url SHA-256 (43 characters)')
  const texts = p.texts
  if (!isObject(texts)) throw claimError('texts', 'an object {lang, sha256}', texts)
  requireString(texts, 'lang')
  if (typeof texts.sha256 !== 'string' || !DIGEST.test(texts.sha256)) {
    throw claimError('texts.sha256', 'a base64url SHA-256 (43 characters)', texts.sha256)
  }
  optional(p, 'gcm', () => requireRecord(p, 'gcm', (v) => v === 'granted' || v === 'denied', '"granted" | "denied"'))
  if (typeof p.gpc !== 'boolean') throw claimError('gpc', 'a boolean', p.gpc)
  requireString(p, 'origin')
  optional(p, 'controller', () => requireString(p, 'controller'))
  optional(p, 'policyUrl', () => requireString(p, 'policyUrl'))
  requireString(p, 'sdk')
  return p as unknown as ReceiptPayload
}

function checkIat(iat: number, options: VerifyOptions): void {
  const now = Math.floor((options.now ?? Date.now()) / 1000)
  const future = options.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS
  const age = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  if (iat > now + future) {
    throw new ReceiptError('iat', `payload.iat: ${iat} lies ${iat - now} s in the future; at most ${future} s of clock skew is allowed`)
  }
  if (iat < now - age) {
    throw new ReceiptError('iat', `payload.iat: ${iat} is ${now - iat} s old; receipts older than ${age} s are refused`)
  }
}

/** Parses and checks one receipt. Throws a ReceiptError saying what is wrong. */
export async function verifyReceipt(compactJws: string, options: VerifyOptions = {}): Promise<VerifiedReceipt> {
  const sha256 = options.sha256 ?? subtleSha256
  const { header, payload } = await verifyEmbeddedKeyJws(compactJws, RECEIPT_TYP, sha256, options.es256, options.base64url)
  const claims = checkClaims(payload)
  checkIat(claims.iat, options)
  const jws = compactJws.trim()
  return { header: header as unknown as ReceiptHeader, payload: claims, hash: await sha256(jws), jws }
}

// ---- chains ------------------------------------------------------------------------------

export type ChainBreakKind =
  /** seq > 1 but the receipt before it (seq - 1) is not there. */
  | 'seq-gap'
  /** `prev` is not the hash of the receipt with seq - 1. */
  | 'prev-mismatch'
  /** Signed by another key than the receipt before it, without a `reset`. */
  | 'key-change'
  /** Two different receipts with the same seq: a fork (or a restart without `reset`). */
  | 'duplicate-seq'
  /** The browser says it started over (`reset`): continuity ends here, for a stated reason. */
  | 'restart'

export interface ChainBreak {
  sub: string
  seq: number
  jti: string
  kind: ChainBreakKind
  detail: string
}

/** What the link check needs to know about a receipt. */
export interface ChainLink {
  jti: string
  seq: number
  kid: string
  hash: string
  prev?: string | undefined
  reset?: string | undefined
  /**
   * The hash of this receipt's other valid form (its ECDSA signature (r, s) as (r, n − s)): a
   * `prev` that names either form links to it.
   */
  twin?: string | undefined
}

/**
 * Checks one receipt against its predecessor: the receipt of the same consent id with the
 * highest seq below it (`previous`), and any other receipt already holding its seq (`same`).
 * The collector and verifyChain share this so that both name breaks the same way.
 */
export function checkLink(previous: ChainLink | undefined, next: ChainLink, same?: ChainLink): { kind: ChainBreakKind; detail: string }[] {
  const breaks: { kind: ChainBreakKind; detail: string }[] = []
  if (same && same.jti !== next.jti) {
    breaks.push({ kind: 'duplicate-seq', detail: `receipt ${same.jti} also has seq ${next.seq}` })
  }
  if (next.reset !== undefined) {
    breaks.push({ kind: 'restart', detail: `the browser started a new chain (${next.reset})` })
    return breaks
  }
  if (next.seq === 1) return breaks
  if (!previous || previous.seq !== next.seq - 1) {
    breaks.push({ kind: 'seq-gap', detail: `no receipt with seq ${next.seq - 1}${previous ? ` (last seen: ${previous.seq})` : ''}` })
  } else if (next.prev !== previous.hash && next.prev !== previous.twin) {
    breaks.push({ kind: 'prev-mismatch', detail: `prev is not the hash of receipt ${previous.jti} (seq ${previous.seq})` })
  }
  if (previous && previous.kid !== next.kid) {
    breaks.push({ kind: 'key-change', detail: `signed by key ${next.kid}, the receipt before by ${previous.kid}` })
  }
  return breaks
}

export interface ChainReport {
  /** True when no consent id has a break. */
  ok: boolean
  /** Per consent id: how many receipts, and their breaks in seq order. */
  subjects: Record<string, { receipts: number; breaks: ChainBreak[] }>
  /** Every break, consent id by consent id. */
  breaks: ChainBreak[]
}

export const linkOf = (r: VerifiedReceipt): ChainLink => ({
  jti: r.payload.jti,
  seq: r.payload.seq,
  kid: r.header.kid,
  hash: r.hash,
  prev: r.payload.prev,
  reset: r.payload.reset,
})

/** Lists the breaks in the chains of verified receipts (any order, any mix of consent ids). */
export function verifyChain(receipts: VerifiedReceipt[]): ChainReport {
  const bySub = new Map<string, VerifiedReceipt[]>()
  for (const receipt of receipts) {
    const list = bySub.get(receipt.payload.sub) ?? []
    list.push(receipt)
    bySub.set(receipt.payload.sub, list)
  }
  const report: ChainReport = { ok: true, subjects: {}, breaks: [] }
  for (const [sub, list] of bySub) {
    list.sort((a, b) => a.payload.seq - b.payload.seq || a.payload.iat - b.payload.iat)
    const breaks: ChainBreak[] = []
    let previous: ChainLink | undefined
    for (const receipt of list) {
      const link = linkOf(receipt)
      const same = previous && previous.seq === link.seq ? previous : undefined
      const before = same ? lastBelow(list, link.seq) : previous
      for (const found of checkLink(before, link, same)) {
        breaks.push({ sub, seq: link.seq, jti: link.jti, ...found })
      }
      previous = link
    }
    report.subjects[sub] = { receipts: list.length, breaks }
    report.breaks.push(...breaks)
  }
  report.ok = report.breaks.length === 0
  return report
}

function lastBelow(sorted: VerifiedReceipt[], seq: number): ChainLink | undefined {
  let found: VerifiedReceipt | undefined
  for (const r of sorted) if (r.payload.seq < seq) found = r
  return found && linkOf(found)
}

// consentry/verify also checks the collector's verifiable log in a browser (WebCrypto only):
// inclusion of a receipt under a signed checkpoint, consistency of two checkpoints.
export {
  verifyReceiptInclusion,
  verifyInclusion,
  verifyConsistency,
  verifyCheckpointSignature,
  parseCheckpoint,
  parseVerifierKey,
  logLeafHash,
  type InclusionProof,
  type ConsistencyProof,
  type Checkpoint,
  type VerifierKey,
  type ReceiptInclusion,
} from './log-proof.js'
