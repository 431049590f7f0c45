// The one storage interface both adapters (SQLite, PostgreSQL) implement, with the same
// behaviour; test/server runs one suite against both.

import type { ChainLink } from '../../receipts/verify.js'
import type { NodeKey, TreeNode } from '../merkle.js'
import type { StatsQuery, StatsRow } from './rollup.js'

/** `receipt`: a stored receipt (or its tombstone). `erasure`, `purge`: a record of blanking. */
export type EntryKind = 'receipt' | 'erasure' | 'purge'

/** One row of the append-only log. Columns that erasure blanks are marked. */
export interface LogEntry {
  logIndex: number
  kind: EntryKind
  receivedMs: number
  /** base64url SHA-256 of the compact JWS (receipts) or of `record` (erasure, purge). */
  contentHash: string
  /** H(previous entryHash ‖ contentHash ‖ receivedAt ‖ logIndex), see log.ts. */
  entryHash: string
  /** The collector's JWS over {jti, sha256, receivedAt, logIndex, entryHash}. */
  countersignature: string
  /** Kept after erasure: a random id, so a late resend of an erased receipt stays a duplicate. */
  jti: string | null
  /** Blanked by erasure. */
  sub: string | null
  /** Blanked by erasure. */
  kid: string | null
  /** Blanked by erasure. */
  seq: number | null
  /** Blanked by erasure. */
  iat: number | null
  /** Blanked by erasure. */
  jws: string | null
  /** JSON of an erasure or purge record (which entries were blanked, why). */
  record: string | null
  /** JSON array of chain breaks found on arrival (see receipts/verify checkLink); blanked by erasure. */
  chain: string | null
  /** Truncated or keyed-hashed client address, never the raw one; blanked by erasure. */
  ip: string | null
  /** When the entry was blanked, or null. */
  erasedMs: number | null
}

/** The last entry: what the next one chains to. An empty log has index 0 and hash "". */
export interface Head {
  logIndex: number
  entryHash: string
}

/** A verified receipt on its way into the log. */
export interface IncomingReceipt {
  jti: string
  sub: string
  kid: string
  seq: number
  iat: number
  prev?: string | undefined
  reset?: string | undefined
  jws: string
  contentHash: string
  ip: string | null
  /**
   * The payload of `jws` as verification parsed it, when at hand: the statistics rollups read it
   * instead of parsing the JWS again. Never stored; without it the payload is parsed from `jws`.
   */
  claims?: Record<string, unknown> | undefined
}

/** What the store knows about the same consent id when a receipt arrives. */
export interface Neighbours {
  /** The receipt with the highest seq below the new one's. */
  previous?: ChainLink | undefined
  /** A receipt that already holds the new one's seq. */
  same?: ChainLink | undefined
}

/** Turns a receipt into its log entry; called inside the append transaction, in log order. */
export type SealReceipt = (head: Head, receipt: IncomingReceipt, neighbours: Neighbours) => LogEntry
/** Builds the erasure/purge entry for the blanked indexes; called inside the same transaction. */
export type SealRecord = (head: Head, erased: number[]) => LogEntry

export interface AppendOutcome {
  entry: LogEntry
  /** The jti was already in the log: `entry` is the stored one, nothing was written. */
  duplicate: boolean
}

export type TombstoneSelector = { sub: string } | { beforeMs: number }

/** One page of a consent id's receipts (log order), optionally only those one key signed. */
export interface SubjectQuery {
  sub: string
  /** Only receipts signed by this browser key (RFC 7638 thumbprint). */
  kid?: string | undefined
  /** Receipts with logIndex > afterIndex. */
  afterIndex: number
  limit: number
}

/** A key that countersigned (or countersigns) this log. */
export interface KeyRecord {
  kid: string
  /** The public JWK, JSON. */
  jwk: string
  status: 'current' | 'retired'
  createdMs: number
  retiredMs: number | null
  /** JWS by the key that replaced this one, naming it (see keyring.ts); null for the current key. */
  endorsement: string | null
}

/** One run of `consentry-collector audit` (audit.ts), as the console's log health shows it. */
export interface AuditRun {
  ranMs: number
  ok: boolean
  /** Entries read (the head's index when nothing was removed). */
  entries: number
  /** Leaves covered by the newest checkpoint the audit checked. */
  treeSize: number
  findings: number
  /** The first finding in words ("entry 7: altered: …"), or null. */
  firstFinding: string | null
  /** Whether checkpoint signatures were checked (a key file, or --log-key). */
  signaturesChecked: boolean
}

/** The store is locked by another process for longer than the collector waits: answer 503. */
export class StoreBusyError extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'StoreBusyError'
  }
}

/** registerKey found another current key than the one it was told to replace. */
export class KeyConflictError extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'KeyConflictError'
  }
}

export interface PageQuery {
  /** Entries with logIndex > afterIndex. */
  afterIndex: number
  limit: number
  /** Received at or after (ms). */
  fromMs?: number | undefined
  /** Received before (ms). */
  toMs?: number | undefined
}

import type { Cosignature } from '../witness.js'

/** A signed checkpoint of the log's Merkle tree (checkpoint.ts). */
export interface StoredCheckpoint {
  size: number
  /** Root hash, standard base64 (as in the note). */
  root: string
  /** The C2SP signed note. */
  note: string
  createdMs: number
}

/**
 * Called inside the integration transaction with the checkpointed size, the leaves after it
 * (in order) and the frontier nodes of that size: returns the interior nodes to add and the
 * checkpoint of the grown tree (integrator.ts).
 */
export type GrowTree = (size: number, leaves: Buffer[], frontier: Map<string, Buffer>) => { nodes: TreeNode[]; checkpoint: StoredCheckpoint }

export interface Repository {
  readonly dialect: 'sqlite' | 'postgres'
  /** Creates or upgrades the schema; safe to call on every start, from several processes. */
  migrate(): Promise<void>
  /**
   * Appends receipts in one transaction that holds the head of the log for its whole length
   * (the hash chain needs a total order). Resolves only after the commit.
   */
  appendReceipts(batch: IncomingReceipt[], seal: SealReceipt): Promise<AppendOutcome[]>
  /**
   * Blanks the selected receipts (keeping their hashes, so the chain stays checkable) and
   * appends the record saying so, in one transaction. Nothing is appended when nothing matched.
   * `limit` bounds how many are blanked in this transaction (the oldest first): a purge runs as
   * many short transactions, so that it never holds the write lock for long.
   */
  tombstone(which: TombstoneSelector, erasedMs: number, seal: SealRecord, limit?: number): Promise<{ erased: number[]; entry?: LogEntry }>
  /**
   * Records a proof's nonce until `expiresMs`; false when it is recorded already (a replay).
   * Nonces expired at `nowMs` are forgotten.
   */
  useNonce(nonce: string, nowMs: number, expiresMs: number): Promise<boolean>
  findByJti(jti: string): Promise<LogEntry | undefined>
  /** One page of a consent id's receipts that are not erased, in log order. */
  bySubject(query: SubjectQuery): Promise<LogEntry[]>
  /** The collector keys of this log, oldest first. */
  keys(): Promise<KeyRecord[]>
  /**
   * Records `key` as the current key, and `retire` (the kid of the current key, with the new
   * key's endorsement of it) as retired, in one transaction. Throws KeyConflictError when the
   * current key is not `retire.kid` (or, without `retire`, when there is one already).
   */
  registerKey(key: KeyRecord, retire?: { kid: string; retiredMs: number; endorsement: string }): Promise<void>
  head(): Promise<Head>
  /** One page of entries in log order. */
  page(query: PageQuery): Promise<LogEntry[]>
  /**
   * Adds up to `maxLeaves` leaves to the tree and signs a checkpoint, in one transaction that
   * reads the checkpointed size inside it (so two integrators never add the same leaf twice).
   * Resolves to the new checkpoint, or undefined when every leaf is checkpointed already.
   */
  integrate(maxLeaves: number, grow: GrowTree): Promise<StoredCheckpoint | undefined>
  /**
   * Tries to become the one integrator of this database (PostgreSQL: a session advisory lock
   * that the server releases when this process's connection dies). SQLite: always true.
   */
  claimIntegrator(): Promise<boolean>
  /** Stored tree nodes, by merkle.nodeId; missing ones are absent from the map. */
  treeNodes(keys: NodeKey[]): Promise<Map<string, Buffer>>
  /** Nodes of one level with index > afterIndex, in order (audit). */
  treeLevel(level: number, afterIndex: number, limit: number): Promise<TreeNode[]>
  /** The newest checkpoint, or the one of exactly `size` leaves. */
  checkpoint(size?: number): Promise<StoredCheckpoint | undefined>
  /** Checkpoints of more than `afterSize` leaves, smallest first. */
  checkpoints(afterSize: number, limit: number): Promise<StoredCheckpoint[]>
  /** Keeps a verified witness cosignature (witness.ts); a repeat of a witness and size is ignored. */
  addCosignature(cosignature: Cosignature, receivedMs: number): Promise<void>
  /** The cosignatures of the checkpoints of more than `afterSize` and at most `toSize` leaves, by size, then oldest first. */
  cosignatures(afterSize: number, toSize: number): Promise<Cosignature[]>
  /** Records a run of `audit` (a note for the console, not part of the log). */
  recordAudit(run: AuditRun): Promise<void>
  /** The most recent recorded `audit` run, or undefined when the log was never audited. */
  lastAudit(): Promise<AuditRun | undefined>
  /** Consent statistics from the daily rollups (storage/rollup.ts), ordered by key. */
  stats(query: StatsQuery): Promise<StatsRow[]>
  close(): Promise<void>
}

/** Every entry in log order, page by page (no cursor held open between pages). */
export async function* scan(
  store: Repository,
  range: { fromMs?: number | undefined; toMs?: number | undefined } = {},
  pageSize = 1000,
): AsyncGenerator<LogEntry> {
  let afterIndex = 0
  for (;;) {
    const rows = await store.page({ afterIndex, limit: pageSize, ...range })
    yield* rows
    if (rows.length < pageSize) return
    afterIndex = rows[rows.length - 1]!.logIndex
  }
}
