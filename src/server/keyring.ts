// The collector's key history (docs/collector.md, "Key rotation").
//
// Every key that countersigns a log is recorded in it (collector_keys). A key is replaced only
// on purpose, by `consentry-collector rotate-key`: the new key signs an endorsement naming the
// old one, and the old one stays published (status "retired") at /.well-known/jwks.json. Audit
// starts from the keys it is given (the key file, or a JWKS kept elsewhere) and trusts a retired
// key only through an endorsement made by a key it already trusts, so a key slipped into the
// table by someone with database access earns nothing.

import { createPublicKey } from 'node:crypto'
import { loadOrCreateKey, MissingKeyError, publicJwkOf, verifyCountersignature, type CollectorKey, type KeySource, type PublicJwks } from './keys.js'
import { receivedAtOf } from './log.js'
import { KeyConflictError, type KeyRecord, type Repository } from './storage/types.js'

export const ENDORSEMENT_TYP = 'consent-key-endorsement+jwt'

/** The key cannot be used with this log; the message says what to do. */
export class KeyHistoryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeyHistoryError'
  }
}

const recordOf = (key: CollectorKey, nowMs: number): KeyRecord => ({
  kid: key.kid,
  jwk: JSON.stringify(key.publicJwk),
  status: 'current',
  createdMs: nowMs,
  retiredMs: null,
  endorsement: null,
})

/** The kid in the header of the countersignature of entry `logIndex`. */
async function signerOf(store: Repository, logIndex: number): Promise<string> {
  const [entry] = await store.page({ afterIndex: logIndex - 1, limit: 1 })
  try {
    return String(JSON.parse(Buffer.from(entry!.countersignature.split('.')[0]!, 'base64url').toString('utf8')).kid)
  } catch {
    return 'unknown'
  }
}

const ROTATE_HINT =
  'If that key is lost for good, start a new one on purpose with `consentry-collector rotate-key --key-lost` (docs/collector.md, "Key rotation").'

/**
 * Loads the collector key for `store`: a missing key file is created only for an empty log, so
 * that a lost or misplaced file never silently starts a second key on a log signed by another.
 */
export async function keyFor(source: KeySource, store: Repository): Promise<CollectorKey> {
  const head = await store.head()
  try {
    return loadOrCreateKey({ ...source, create: (source.create ?? true) && head.logIndex === 0 })
  } catch (error) {
    if (!(error instanceof MissingKeyError) || head.logIndex === 0) throw error
    const current = (await store.keys()).find((k) => k.status === 'current')?.kid ?? (await signerOf(store, head.logIndex))
    throw new KeyHistoryError(
      `collector key ${error.file} does not exist, but this log already has ${head.logIndex} entries countersigned by key ${current}. ` +
        `Restore that key file (or set CONSENTRY_COLLECTOR_KEY); no new key was created. ${ROTATE_HINT}`,
    )
  }
}

/**
 * Makes sure `key` is the current key of this log: registers it on a new log (or on a log
 * written before key history was kept, if it signed the newest entry), and refuses any other.
 */
export async function adoptKey(store: Repository, key: CollectorKey, nowMs = Date.now()): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const keys = await store.keys()
    const mine = keys.find((k) => k.kid === key.kid)
    if (mine?.status === 'current') return
    if (mine) {
      throw new KeyHistoryError(
        `collector key ${key.kid} was retired on ${receivedAtOf(mine.retiredMs ?? 0)}; start the collector with the current key (${keys.find((k) => k.status === 'current')?.kid}).`,
      )
    }
    const current = keys.find((k) => k.status === 'current')
    if (current) {
      throw new KeyHistoryError(
        `this log is countersigned by key ${current.kid}, and the key given (${key.kid}) is not one of its keys. ` +
          `Give the right key (--key, CONSENTRY_KEY_FILE or CONSENTRY_COLLECTOR_KEY), or replace it on purpose with \`consentry-collector rotate-key\`.`,
      )
    }
    const head = await store.head()
    if (head.logIndex > 0) {
      const signer = await signerOf(store, head.logIndex)
      if (signer !== key.kid) {
        throw new KeyHistoryError(`this log's newest entry is countersigned by key ${signer}, not by the key given (${key.kid}). Give that key. ${ROTATE_HINT}`)
      }
    }
    try {
      return await store.registerKey(recordOf(key, nowMs))
    } catch (error) {
      // Another collector registered a key at the same moment: look again (once).
      if (!(error instanceof KeyConflictError) || attempt > 0) throw error
    }
  }
}

/**
 * Replaces the current key by `next`: `next` endorses the current key, which becomes retired.
 * `previous`, when given, must be the current key (a rotation with the old key at hand);
 * without it (the old key is lost) the current key's public half is taken from the log.
 */
export async function rotateKey(store: Repository, next: CollectorKey, previous: CollectorKey | undefined, nowMs = Date.now()): Promise<KeyRecord> {
  if (previous) await adoptKey(store, previous, nowMs)
  const current = (await store.keys()).find((k) => k.status === 'current')
  if (!current) throw new KeyHistoryError('this log has no current collector key to rotate; `serve` registers one on its first start')
  if (previous && previous.kid !== current.kid) throw new KeyHistoryError(`the key given (${previous.kid}) is not the log's current key (${current.kid})`)
  const endorsement = next.sign({ retires: JSON.parse(current.jwk), retiredAt: receivedAtOf(nowMs), by: next.kid }, ENDORSEMENT_TYP)
  await store.registerKey(recordOf(next, nowMs), { kid: current.kid, retiredMs: nowMs, endorsement })
  return current
}

/** What /.well-known/jwks.json serves: the current key first, then every retired one. */
export async function publishedJwks(store: Repository): Promise<PublicJwks> {
  const keys = await store.keys()
  const jwk = (k: KeyRecord) => ({ ...(JSON.parse(k.jwk) as Record<string, string>), ...(k.status === 'retired' ? { status: 'retired' } : {}) })
  return { keys: [...keys.filter((k) => k.status === 'current'), ...keys.filter((k) => k.status === 'retired')].map(jwk) }
}

/**
 * The keys audit may trust: `anchor`, and every key of the log's history that a trusted key
 * endorsed (transitively, newest to oldest).
 */
export async function trustedKeys(store: Repository, anchor: PublicJwks): Promise<PublicJwks> {
  const trusted = [...anchor.keys]
  const pending = (await store.keys()).filter((k) => !trusted.some((t) => t.kid === k.kid) && k.endorsement)
  for (let grew = true; grew; ) {
    grew = false
    for (const record of [...pending]) {
      const signed = verifyCountersignature(record.endorsement!, { keys: trusted }, ENDORSEMENT_TYP)
      if ('error' in signed) continue
      let named: Record<string, string>
      try {
        named = publicJwkOf(createPublicKey({ key: signed.payload.retires as never, format: 'jwk' }))
      } catch {
        continue
      }
      if (named.kid !== record.kid) continue
      trusted.push(named)
      pending.splice(pending.indexOf(record), 1)
      grew = true
    }
  }
  return { keys: trusted }
}
