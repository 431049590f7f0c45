// Client addresses are never stored raw (docs/collector.md, "Client addresses"): either cut to the network
// (/24 for IPv4, /48 for IPv6, as analytics tools do) or replaced by a keyed HMAC. An
// unkeyed hash would not do: all 2^32 IPv4 hashes can be computed in minutes.

import { createHmac } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'

export type IpPolicy = { mode: 'truncate' } | { mode: 'hmac'; key: string } | { mode: 'drop' }

/** What to store for `address`: a truncated network, an HMAC, or null. */
export function protectIp(address: string | undefined, policy: IpPolicy): string | null {
  if (!address || policy.mode === 'drop') return null
  const ip = unmapped(address.trim())
  if (!isIPv4(ip) && !isIPv6(ip)) return null
  if (policy.mode === 'hmac') return 'hmac:' + createHmac('sha256', policy.key).update(ip).digest('base64url')
  return truncateIp(ip)
}

/** `203.0.113.77` → `203.0.113.0/24`; `2001:db8:1:2::5` → `2001:db8:1::/48`. */
export function truncateIp(ip: string): string | null {
  if (isIPv4(ip)) return ip.split('.').slice(0, 3).join('.') + '.0/24'
  if (!isIPv6(ip)) return null
  const groups = expandIPv6(ip)
  const network = groups.slice(0, 3).map((g) => parseInt(g, 16).toString(16))
  return `${network.join(':')}::/48`
}

/** `::ffff:203.0.113.77` (IPv4 seen through an IPv6 socket) is the IPv4 address. */
function unmapped(ip: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return match ? match[1]! : ip.replace(/%.*$/, '')
}

/** Eight hex groups; `::` filled with zeros, an embedded IPv4 tail turned into two groups. */
function expandIPv6(ip: string): string[] {
  let text = ip
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number]
    text = text.slice(0, -v4[1]!.length) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16)
  }
  const [left, right] = text.split('::') as [string, string | undefined]
  const head = left ? left.split(':') : []
  const tail = right ? right.split(':') : []
  const fill = right === undefined ? [] : Array(8 - head.length - tail.length).fill('0')
  return [...head, ...fill, ...tail]
}
