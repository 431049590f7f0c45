// `npm run demo` fills an empty demo log with ~3,000 signed receipts spread over the last 60
// days, so that the console (/dashboard) opens populated. Receipts are signed here with
// node:crypto exactly as the SDK signs them (ES256, the key in the header) and go through the
// collector's own write path, so the statistics come from its rollups, not from this file.
// Deterministic: the same seed gives the same log.

import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto'

const b64url = (data) => Buffer.from(data).toString('base64url')
const sha256 = (text) => createHash('sha256').update(text).digest('base64url')

/** A small deterministic PRNG (mulberry32). */
function random(seed) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function signer() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' })
  const jwk = { kty, crv, x, y }
  const kid = sha256(JSON.stringify({ crv, kty, x, y }))
  return (payload) => {
    const input = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'consent-receipt+jwt', jwk, kid }))}.${b64url(JSON.stringify(payload))}`
    return `${input}.${b64url(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }))}`
  }
}

const REGIONS = [
  { region: 'EU', mode: 'opt-in', share: 0.55, langs: ['en', 'de', 'fr', 'es'], accept: 0.55, reject: 0.3 },
  { region: 'GB', mode: 'opt-in', share: 0.15, langs: ['en'], accept: 0.6, reject: 0.25 },
  { region: 'US-CA', mode: 'opt-out', share: 0.2, langs: ['en', 'es'], accept: 0.75, reject: 0.1 },
  { region: undefined, mode: 'notice', share: 0.1, langs: ['en'], accept: 2, reject: 0 },
]
const OPTIONAL = ['functional', 'analytics', 'advertising']
const DAY = 86_400_000
const CONFIGS = { 1: sha256('{"revision":1,"demo":true}'), 2: sha256('{"revision":2,"demo":true}') }

/**
 * Posts the demo receipts through `submit` (ReceiptService.submit), moving the collector's clock
 * with `setClock` so each lands on its day. Returns how many were stored.
 */
export async function seedDemo({ submit, setClock, days = 60, now = Date.now(), seed = 29 }) {
  const rnd = random(seed)
  const pick = (list) => list[Math.floor(rnd() * list.length)]
  const today = Math.floor(now / DAY) * DAY
  let stored = 0
  for (let d = days - 1; d >= 0; d--) {
    const day = today - d * DAY
    // More traffic on weekdays, and a revision bump (new banner texts) 20 days ago.
    const weekday = new Date(day).getUTCDay() % 6 !== 0
    const count = Math.round((weekday ? 50 : 28) + rnd() * 20)
    const revision = d >= 20 ? 1 : 2
    const receipts = []
    for (let i = 0; i < count; i++) {
      let r = rnd()
      const where = REGIONS.find((g) => (r -= g.share) < 0) ?? REGIONS[0]
      const at = day + Math.floor(rnd() * (d === 0 ? Math.max(1, now - day) : DAY))
      const categories = { necessary: true }
      let source = pick(['banner', 'banner', 'banner', 'preferences'])
      const gpc = where.region === 'US-CA' && rnd() < 0.18
      const roll = rnd() + (revision === 2 ? 0.04 : 0)
      if (gpc) {
        source = 'gpc'
        for (const c of OPTIONAL) categories[c] = c !== 'advertising'
      } else if (roll < where.accept) for (const c of OPTIONAL) categories[c] = true
      else if (roll < where.accept + where.reject) for (const c of OPTIONAL) categories[c] = false
      else {
        source = 'preferences'
        categories.functional = rnd() < 0.8
        categories.analytics = rnd() < 0.55
        categories.advertising = rnd() < 0.2
      }
      const anyOptional = OPTIONAL.some((c) => categories[c])
      receipts.push({
        at,
        payload: {
          jti: randomUUID(),
          sub: `demo-${randomUUID()}`,
          iat: Math.floor(at / 1000),
          seq: 1,
          event: anyOptional ? 'given' : 'refused',
          source,
          categories,
          services: {},
          revision,
          config: CONFIGS[revision],
          texts: { lang: pick(where.langs), sha256: sha256(`texts-${revision}`) },
          gpc,
          origin: 'http://127.0.0.1:8080',
          controller: 'Consentry demo',
          policyUrl: 'http://127.0.0.1:8080/privacy.html',
          sdk: 'demo',
          mode: where.mode,
          ...(where.region ? { region: where.region } : {}),
        },
      })
    }
    // Received in three-hour slots, each slot's receipts together (one commit per slot): the
    // collector stamps them with its clock, set to the end of the slot.
    for (let slot = 0; slot < 8; slot++) {
      const end = day + (slot + 1) * (DAY / 8) - 1
      const batch = receipts.filter((r) => r.at <= end && r.at > end - DAY / 8)
      if (batch.length === 0) continue
      setClock(Math.min(end, now))
      await Promise.all(batch.map(({ payload }) => submit(signer()(payload))))
      stored += batch.length
    }
  }
  setClock(undefined)
  return stored
}
