// The hand-over between a decision and its receipt. The decision is written
// here synchronously, in the same click that made it; the receipts chunk, which
// may still be loading, signs it later — on this page or, if the tab closed
// first, on the next one (docs/receipts.md: no receipt lost to a reload or a closed tab).

import type { Decision } from '../core/state.js'
import type { ReceiptPayload, TcfClaims } from './types.js'

/** A decision's own claims, plus what the receipt is later built from. */
export interface DecisionNote extends Pick<ReceiptPayload, 'sub' | 'event' | 'source' | 'categories' | 'services' | 'revision'> {
  /**
   * Random, fixed at decision time; the receipt's `jti` (a UUIDv7) is derived from it and
   * `at`, so a build retried after a crash makes the same receipt, not a second one.
   */
  id: string
  /** Decision time, ms. */
  at: number
  /** True when this consent id had a decision before this one. */
  continued: boolean
  /**
   * What this decision gave IAB TCF vendors, added by the TCF chunk: the TC string (the
   * receipt's `tcf` claim) and Google's AC string (`addtlConsent`).
   */
  tc?: TcfClaims
  /** Ms: the receipt waits until then for the TC string of this decision (docs/tcf.md, "Receipts"); 0 or absent: it does not wait. */
  tcfDue?: number
}

const KEY = 'consentry:decisions'
let memory: DecisionNote[] = []

function read(): DecisionNote[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]')
    return Array.isArray(value) ? value.filter((n) => n && typeof n.id === 'string' && typeof n.sub === 'string') : []
  } catch {
    return memory
  }
}

function write(notes: DecisionNote[]): void {
  memory = notes
  try {
    localStorage.setItem(KEY, JSON.stringify(notes))
  } catch {
    // Storage full or blocked: the note lives as long as the page.
  }
}

/** Notes a decision; the TCF chunk gives the TCF claims of a receipt of its own (docs/tcf.md, "Receipts"). */
export function noteDecision({ state, previous, event, source }: Decision, tc?: TcfClaims): void {
  write([
    ...read(),
    {
      id: crypto.randomUUID(),
      sub: state.id,
      at: Date.now(),
      event,
      source,
      categories: state.categories,
      services: state.services,
      revision: state.revision,
      // A placeholder's partial choice starts the consent id's chain too.
      continued: previous.id === state.id && (previous.decided || previous.source === 'placeholder'),
      tc,
    },
  ])
}

export const pendingNotes = read

/**
 * The TCF chunk's hand-over to the receipt of consent id `sub`'s decision made at `at` (ms,
 * its whole second): the oldest such note without a TC string gets `tc` (its `tcf` and
 * `addtlConsent` claims) and waits until `due` (ms; 0: no more). Used in a microtask after the decision
 * (the note is written in the same click, before the receipts chunk, whose work starts in a
 * later promise job, reads it), or later when the vendor list came late. False when there is
 * no such note: its receipt was signed already.
 */
export function noteTcString(sub: string, at: number, tc?: TcfClaims, due = 0): boolean {
  const notes = read()
  const note = notes.find((n) => n.sub === sub && !n.tc && n.at >= at)
  if (note) {
    note.tc = tc
    note.tcfDue = due
    write(notes)
  }
  return !!note
}

export function dropNote(id: string): void {
  write(read().filter((n) => n.id !== id))
}
