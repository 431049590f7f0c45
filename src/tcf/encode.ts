// TC string encoder (docs/tcf.md, "The TC string"): the core segment and the
// DisclosedVendors segment of IAB TCF 2.3, written bit by bit and base64url
// encoded without padding. Pure: no DOM, no clock, so unit tests can check every
// field against the IAB's own decoder.

/** Everything one TC string says. Id lists are 1-based and may come in any order. */
export interface TcModel {
  /** Decision time in milliseconds since the epoch (written as deciseconds, rounded down to the UTC day). */
  time: number
  cmpId: number
  cmpVersion: number
  consentScreen: number
  /** Two letters, such as "EN". */
  consentLanguage: string
  vendorListVersion: number
  policyVersion: number
  /** Two letters, such as "DE"; "AA" when unknown. */
  publisherCC: string
  specialFeatures: number[]
  purposeConsents: number[]
  purposeLegitimateInterests: number[]
  vendorConsents: number[]
  vendorLegitimateInterests: number[]
  /** The vendors the visitor was shown (the DisclosedVendors segment, required since TCF 2.3). */
  disclosedVendors: number[]
}

const DAY = 86_400_000

/** A string of "0"/"1": the spec counts bits, and strings keep the encoder short and easy to check. */
const int = (value: number, bits: number): string => {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`TCF: ${value} does not fit in ${bits} bits`)
  return value.toString(2).padStart(bits, '0')
}

const letters = (code: string): string => {
  const upper = code.toUpperCase()
  if (!/^[A-Z]{2}$/.test(upper)) throw new RangeError(`TCF: "${code}" is not a two-letter code`)
  return int(upper.charCodeAt(0) - 65, 6) + int(upper.charCodeAt(1) - 65, 6)
}

/** A fixed-length bit field: bit i-1 is set when id i is in the list. */
const field = (ids: number[], length: number): string => {
  const bits = Array<string>(length).fill('0')
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 1 || id > length) throw new RangeError(`TCF: id ${id} is outside 1…${length}`)
    bits[id - 1] = '1'
  }
  return bits.join('')
}

/**
 * A vendor section: MaxVendorId, then a bit field or a list of ranges,
 * whichever is shorter (decoders read both).
 */
const vendors = (ids: number[]): string => {
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const max = sorted.length ? sorted[sorted.length - 1]! : 0
  const ranges: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    ranges.push(i === j ? '0' + int(sorted[i]!, 16) : '1' + int(sorted[i]!, 16) + int(sorted[j]!, 16))
    i = j + 1
  }
  const asRanges = int(ranges.length, 12) + ranges.join('')
  const asField = field(sorted, max)
  return int(max, 16) + (asRanges.length < asField.length ? '1' + asRanges : '0' + asField)
}

/**
 * base64url of a bit string, zero-filled to whole 24-bit groups so no "=" is ever needed; by
 * way of the browser's btoa, which costs fewer bytes than an alphabet of our own.
 */
const base64url = (bits: string): string =>
  btoa(
    String.fromCharCode(
      ...bits
        .padEnd(Math.ceil(bits.length / 24) * 24, '0')
        .match(/.{8}/g)!
        .map((byte) => parseInt(byte, 2)),
    ),
  ).replace(/[+/]/g, (c) => (c === '+' ? '-' : '_'))

export function encodeTcString(m: TcModel): string {
  // TCF 2.2+ wants Created and LastUpdated equal and day-granular, so a string does not time the visit.
  const deciseconds = Math.floor((Math.floor(m.time / DAY) * DAY) / 100)
  const core =
    int(2, 6) +
    int(deciseconds, 36) +
    int(deciseconds, 36) +
    int(m.cmpId, 12) +
    int(m.cmpVersion, 12) +
    int(m.consentScreen, 6) +
    letters(m.consentLanguage) +
    int(m.vendorListVersion, 12) +
    int(m.policyVersion, 6) +
    '1' + // IsServiceSpecific: a site's own CMP; global scope is gone since TCF 2.2
    '0' + // UseNonStandardTexts
    field(m.specialFeatures, 12) +
    field(m.purposeConsents, 24) +
    field(m.purposeLegitimateInterests, 24) +
    '0' + // PurposeOneTreatment
    letters(m.publisherCC) +
    vendors(m.vendorConsents) +
    vendors(m.vendorLegitimateInterests) +
    int(0, 12) // no publisher restrictions
  const disclosed = int(1, 3) + vendors(m.disclosedVendors)
  return base64url(core) + '.' + base64url(disclosed)
}
