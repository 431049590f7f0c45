import type { Resolved } from '../config/resolve.js'
import type { ReceiptEvent, ReceiptSource } from '../receipts/types.js'
import { encode } from './base64url.js'
import { applyPartial, grant, same, takesBack, uniform, type Choice, type PartialChoice } from './choice.js'
import { encodeRecord, type ConsentRecord } from './record.js'
import type { ConsentState, Decision } from './state.js'
import { choiceOf, clearStored, cookieValue, readStored, writeStored, type AskReason, type Stored } from './stored.js'

export interface Consent {
  /** Why the banner must be shown, or null when a valid decision is stored. */
  readonly ask: AskReason | null
  state(): ConsentState
  /**
   * A decision, or null when it changes nothing (an unchanged save): no event, no receipt.
   * A placeholder's choice before any decision is partial: its service is allowed, the
   * rest stays undecided (`decided` false, `ask` "partial").
   */
  decide(partial: PartialChoice | boolean, source: ReceiptSource): Decision | null
  /** Forgets the decision and the consent id. */
  reset(): void
  /**
   * Takes the cookie value another tab just wrote ('' after a reset; it comes with
   * the message because this tab's view of document.cookie may lag behind), or reads
   * the cookie when `raw` is undefined. True when the state changed; an equal state
   * sets nothing, so no change event fires for it.
   */
  sync(raw?: string): boolean
  /** The stored record as the cookie holds it, '' when there is none: what other tabs are sent. */
  stored(): string
  /** The fingerprint of the checked config the stored record was written under (src/config/fingerprint.ts). */
  readonly checked: string | undefined
  /**
   * The config passed its check: records written from now on carry its fingerprint, and the
   * stored one is rewritten with it, so the next page view of this config needs no check.
   */
  vouch(fingerprint: string): void
}

/** A consent id: 16 random bytes, 22 base64url characters. */
const newId = (): string => encode(crypto.getRandomValues(new Uint8Array(16)))

const DAY = 86_400

/**
 * The decision logic (docs/architecture.md, "Stored state"; docs/receipts.md for the events): what is allowed before a choice, which
 * receipt event a choice is, and what is remembered. No DOM here. `cookies` is the page's
 * `document.cookie`, read by the caller at the top of its stack (`cookieValue` says why); `set`
 * is where the state goes (`$consent` in the SDK). With `persist` false the cookie is neither read
 * nor written: a config that failed validation must not revive old choices nor overwrite good
 * ones. `now` is milliseconds since the epoch (a test clock can be passed). (Parameters, not an
 * options object: their names would stay in the first view's bytes.)
 */
export const createConsent = (config: Resolved, cookies: string, set: (state: ConsentState) => void, persist = true, now = Date.now): Consent => {
  const stored: Stored = persist ? readStored(config, Math.floor(now() / 1000), cookieValue(config, cookies)) : { record: null, ask: 'missing' }
  let last: ConsentRecord | null = stored.record
  let ask: AskReason | null = stored.ask
  // Set once the config passed its check: only then may a record vouch for it.
  let checked: string | undefined

  const toState = (choice: Choice, record: ConsentRecord | null, decided: boolean, source: ReceiptSource | null): ConsentState => ({
    id: record?.id ?? '',
    decided,
    categories: choice.categories,
    services: choice.services,
    revision: config.revision,
    updatedAt: decided && record ? new Date(record.decidedAt * 1000).toISOString() : null,
    source,
  })

  // Before a decision: opt-in allows nothing optional; opt-out and notice allow everything.
  const initial = (): ConsentState => toState(uniform(config, config.mode !== 'opt-in'), last, false, null)

  /** The state a stored record stands for: a decision, a placeholder's partial one, or nothing. */
  const fromStored = (): ConsentState => (last && (!ask || ask === 'partial') ? toState(choiceOf(config, last), last, !ask, last.source ?? null) : initial())

  let current: ConsentState = fromStored()
  set(current)

  function classify(before: Choice | null, after: Choice, renewal: boolean, source: ReceiptSource): ReceiptEvent {
    // A GPC-derived first decision is a refusal, whatever opt-out left on.
    // (A placeholder's service allowed alone is consent given too.)
    if (!before)
      return source !== 'gpc' && (source === 'placeholder' || config.categories.some((c) => !c.required && after.categories[c.name])) ? 'given' : 'refused'
    if (renewal && same(before, after)) return 'renewed'
    return takesBack(before, after) ? 'withdrawn' : 'updated'
  }

  return {
    get ask() {
      return ask
    },
    state: () => current,
    decide(partial, source) {
      const granted = ask === 'partial'
      // A placeholder before any decision: its service only (it always names one).
      const isPartial = source === 'placeholder' && !current.decided
      const base: Choice = current.decided || granted ? current : uniform(config, false)
      let choice = isPartial
        ? grant(config, base, Object.keys(partial))
        : typeof partial === 'boolean'
          ? uniform(config, partial)
          : applyPartial(config, base, partial)
      // "Accept all" / "Reject all" after a placeholder's "Always allow" decide what the
      // visitor was still asked about; the service they allowed themselves stays allowed.
      if (granted && !isPartial) choice = grant(config, choice, last!.services)
      const before = last && choiceOf(config, last)
      // Nothing changes (an unchanged save, a repeated accept): nothing to record.
      if ((!ask || (granted && isPartial)) && same(before!, choice)) return null
      const event = classify(before, choice, ask === 'expired' || ask === 'revision', source)
      const seconds = Math.floor(now() / 1000)
      last = {
        id: last?.id ?? newId(),
        revision: config.revision,
        decidedAt: seconds,
        expiresAt: seconds + config.cookie.expiresDays * DAY,
        categories: Object.keys(choice.categories).filter((k) => choice.categories[k]),
        services: Object.keys(choice.services).filter((k) => choice.services[k]),
        source,
        partial: isPartial || undefined,
        checked,
      }
      ask = isPartial ? 'partial' : null
      const previous = current
      current = toState(choice, last, !isPartial, source)
      // The state goes out before the cookie is written: its listeners release the gated
      // scripts, and the visitor's click should wait for them, not for the cookie write
      // (a third of click → gated analytics; test/bench/README.md, "Figures behind design choices"). Same task, and the
      // cookie is written whatever a listener throws; it holds the newest decision even
      // when a listener decides again.
      try {
        set(current)
      } finally {
        if (persist) writeStored(config, last)
      }
      return { state: current, previous, event, source }
    },
    reset() {
      if (persist) clearStored(config)
      last = null
      ask = 'missing'
      current = initial()
      set(current)
    },
    stored: () => (persist && last && (!ask || ask === 'partial') ? encodeRecord(last) : ''),
    checked: stored.record?.checked,
    vouch(fingerprint) {
      checked = fingerprint
      if (persist && last && last.checked !== fingerprint) writeStored(config, (last = { ...last, checked }))
    },
    sync(raw) {
      if (!persist) return false
      ;({ record: last, ask } = readStored(config, Math.floor(now() / 1000), raw ?? cookieValue(config, document.cookie)))
      const next = fromStored()
      // A cookie this tab wrote itself comes back as it is (the catch-up reads it).
      if (same(next, current)) return false
      set((current = next))
      return true
    },
  }
}

export { allows } from './allows.js'
