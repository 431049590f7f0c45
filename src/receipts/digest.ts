import { encode, utf8 } from '../core/base64url.js'
import type { PublicJwk } from './types.js'

/** base64url(SHA-256(text)) — the form of `prev`, `config` and `texts.sha256`. */
export async function sha256(text: string): Promise<string> {
  return encode(await crypto.subtle.digest('SHA-256', utf8(text)))
}

/**
 * RFC 8785 (JCS) for the JSON a config can hold: object keys sorted by UTF-16
 * code units, no whitespace, numbers and strings as ECMAScript serialises them.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']'
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    return (
      '{' +
      Object.keys(obj)
        .filter((key) => obj[key] !== undefined)
        .sort()
        .map((key) => JSON.stringify(key) + ':' + canonicalJson(obj[key]))
        .join(',') +
      '}'
    )
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * What an RFC 7638 thumbprint hashes: the key's required members (EC: crv, kty, x, y;
 * OKP: crv, kty, x), sorted, no whitespace. One definition for the browser's keys and
 * the collector's (src/server/keys.ts), each hashed with its own engine.
 */
export const thumbprintInput = ({ crv, kty, x, y }: { crv: string; kty: string; x: string; y?: string }): string =>
  canonicalJson(kty === 'OKP' ? { crv, kty, x } : { crv, kty, x, y })

/** RFC 7638 thumbprint of a public key, base64url. */
export const thumbprint = (jwk: PublicJwk): Promise<string> => sha256(thumbprintInput(jwk))
