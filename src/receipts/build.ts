import type { DecisionNote } from './notes.js'
import type { ReceiptPayload } from './types.js'
import { uuidv7 } from './uuid.js'

/** The receipt id of a noted decision: a UUIDv7 of its time and its random note id. */
export const jtiOf = (note: DecisionNote): string => uuidv7(note.at, note.id)

/** The claims that describe the page and the SDK rather than the decision. */
export type ReceiptContext = Pick<ReceiptPayload, 'config' | 'texts' | 'gcm' | 'gpc' | 'origin' | 'controller' | 'policyUrl' | 'sdk' | 'mode' | 'region'>

/** Where this receipt sits in its consent id's chain. */
export type Link = Pick<ReceiptPayload, 'seq' | 'prev' | 'reset'>

/** The payload of docs/receipts.md for one decision. Pure: every input is given. */
export function buildPayload(note: DecisionNote, context: ReceiptContext, link: Link): ReceiptPayload {
  const payload: ReceiptPayload = {
    // The TCF chunk's claims (tcf, addtlConsent) first: nothing in a note can stand in for the others.
    ...note.tc,
    jti: jtiOf(note),
    sub: note.sub,
    iat: Math.floor(note.at / 1000),
    seq: link.seq,
    event: note.event,
    source: note.source,
    categories: note.categories,
    services: note.services,
    revision: note.revision,
    config: context.config,
    texts: context.texts,
    gpc: context.gpc,
    origin: context.origin,
    sdk: context.sdk,
    mode: context.mode,
  }
  if (link.prev) payload.prev = link.prev
  if (link.reset) payload.reset = link.reset
  if (context.gcm) payload.gcm = context.gcm
  if (context.controller) payload.controller = context.controller
  if (context.policyUrl) payload.policyUrl = context.policyUrl
  if (context.region) payload.region = context.region
  return payload
}

/**
 * The chain step after `last` (the previous receipt of this consent id, if this
 * browser still knows it). A known consent id with no link — storage wiped, key
 * gone — starts again at 1 and says why.
 */
export function nextLink(last: { seq: number; hash: string; kid: string } | undefined, kid: string, continued: boolean, persistent: boolean): Link {
  if (last && last.kid === kid) return { seq: last.seq + 1, prev: last.hash }
  if (!persistent) return { seq: 1, reset: 'no-storage' }
  return continued || last ? { seq: 1, reset: 'key-lost' } : { seq: 1 }
}
