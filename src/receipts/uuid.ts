/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits, so receipt
 * ids sort by creation time in any store. With `random` (any UUID's hex digits)
 * the result is deterministic: the same note always gives the same receipt id.
 */
export function uuidv7(now = Date.now(), random?: string): string {
  const hexRandom = random?.replace(/-/g, '')
  const bytes = hexRandom ? Uint8Array.from(hexRandom.match(/../g)!, (h) => parseInt(h, 16)) : crypto.getRandomValues(new Uint8Array(16))
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff
  bytes[6] = 0x70 | (bytes[6] & 0x0f)
  bytes[8] = 0x80 | (bytes[8] & 0x3f)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
