// Schema migrations, one list for both dialects. Append new versions; never edit a shipped one.
// Each adapter applies the pending ones in a transaction and records them in schema_migrations.

export interface Migration {
  version: number
  name: string
  sqlite: string
  postgres: string
}

// The triggers make the log append-only for ordinary SQL: no DELETE, and an UPDATE may only
// blank a receipt once (erasure). They are a guard against mistakes, not against the owner
// of the database, who can drop them; `consentry-collector audit` is what catches that.
const immutable = ['log_index', 'kind', 'received_ms', 'content_hash', 'entry_hash', 'countersignature', 'jti', 'record']

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'append-only receipt log',
    sqlite: `
      CREATE TABLE log_entries (
        log_index INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('receipt', 'erasure', 'purge')),
        received_ms INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL,
        countersignature TEXT NOT NULL,
        jti TEXT UNIQUE,
        sub TEXT, kid TEXT, seq INTEGER, iat INTEGER, jws TEXT, record TEXT, chain TEXT, ip TEXT,
        erased_ms INTEGER
      );
      CREATE INDEX log_entries_sub_seq ON log_entries (sub, seq) WHERE sub IS NOT NULL;
      CREATE INDEX log_entries_received ON log_entries (received_ms);
      CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
        BEGIN SELECT RAISE(ABORT, 'log_entries is append-only'); END;
      CREATE TRIGGER log_entries_no_rewrite BEFORE UPDATE ON log_entries
        WHEN OLD.erased_ms IS NOT NULL OR NEW.erased_ms IS NULL
          ${immutable.map((c) => `OR NEW.${c} IS NOT OLD.${c}`).join(' ')}
        BEGIN SELECT RAISE(ABORT, 'log_entries is append-only: an update may only erase a receipt'); END;`,
    postgres: `
      CREATE TABLE log_entries (
        log_index BIGINT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('receipt', 'erasure', 'purge')),
        received_ms BIGINT NOT NULL,
        content_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL,
        countersignature TEXT NOT NULL,
        jti TEXT UNIQUE,
        sub TEXT, kid TEXT, seq INTEGER, iat BIGINT, jws TEXT, record TEXT, chain TEXT, ip TEXT,
        erased_ms BIGINT
      );
      CREATE INDEX log_entries_sub_seq ON log_entries (sub, seq) WHERE sub IS NOT NULL;
      CREATE INDEX log_entries_received ON log_entries (received_ms);
      CREATE FUNCTION consentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN RAISE EXCEPTION 'log_entries is append-only'; END IF;
        IF OLD.erased_ms IS NOT NULL OR NEW.erased_ms IS NULL
          ${immutable.map((c) => `OR NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' ')} THEN
          RAISE EXCEPTION 'log_entries is append-only: an update may only erase a receipt';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER log_entries_no_rewrite BEFORE UPDATE OR DELETE ON log_entries
        FOR EACH ROW EXECUTE FUNCTION consentry_append_only();
      CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
        FOR EACH STATEMENT EXECUTE FUNCTION consentry_append_only();`,
  },
  {
    // Nonces of browsers' export proofs, kept until the proof could no longer be accepted, in
    // the database rather than in memory so that collectors sharing it refuse a replay too.
    version: 2,
    name: 'proof nonces',
    sqlite: `
      CREATE TABLE proof_nonces (nonce TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL);
      CREATE INDEX proof_nonces_expires ON proof_nonces (expires_ms);`,
    postgres: `
      CREATE TABLE proof_nonces (nonce TEXT PRIMARY KEY, expires_ms BIGINT NOT NULL);
      CREATE INDEX proof_nonces_expires ON proof_nonces (expires_ms);`,
  },
  {
    // The collector's key history (docs/collector.md, "Key rotation"): every key that has
    // countersigned this log, so that /.well-known/jwks.json and `audit` still know a retired
    // one. `endorsement` is a JWS by the key that replaced it, naming it: audit trusts a
    // retired key only through such a statement by a key it already trusts.
    // The second index serves a consent id's receipts page by page, in log order.
    version: 3,
    name: 'key history, subject pages',
    sqlite: `
      CREATE TABLE collector_keys (
        kid TEXT PRIMARY KEY,
        jwk TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('current', 'retired')),
        created_ms INTEGER NOT NULL,
        retired_ms INTEGER,
        endorsement TEXT
      );
      CREATE UNIQUE INDEX collector_keys_one_current ON collector_keys (status) WHERE status = 'current';
      CREATE INDEX log_entries_sub_index ON log_entries (sub, log_index) WHERE sub IS NOT NULL;`,
    postgres: `
      CREATE TABLE collector_keys (
        kid TEXT PRIMARY KEY,
        jwk TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('current', 'retired')),
        created_ms BIGINT NOT NULL,
        retired_ms BIGINT,
        endorsement TEXT
      );
      CREATE UNIQUE INDEX collector_keys_one_current ON collector_keys (status) WHERE status = 'current';
      CREATE INDEX log_entries_sub_index ON log_entries (sub, log_index) WHERE sub IS NOT NULL;`,
  },
  {
    // The log's RFC 9162 Merkle tree (merkle.ts) and its signed checkpoints (checkpoint.ts).
    // log_tree holds every node of a complete subtree: level 0 is leaf hashes, written in the
    // same transaction as their entry (so erasure, which blanks the entry's text, keeps the
    // leaf); the integrator adds the interior nodes and a checkpoint in one transaction, so the
    // tree size is the size of the newest checkpoint. Neither table is ever updated or deleted
    // from. Leaves of entries written before this version are filled in by migrate().
    version: 4,
    name: 'merkle tree, checkpoints',
    sqlite: `
      CREATE TABLE log_tree (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE log_checkpoints (tree_size INTEGER PRIMARY KEY, root_hash TEXT NOT NULL, note TEXT NOT NULL, created_ms INTEGER NOT NULL);
      ${['log_tree', 'log_checkpoints']
        .map(
          (t) => `
      CREATE TRIGGER ${t}_no_change BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;
      CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;`,
        )
        .join('')}`,
    postgres: `
      CREATE TABLE log_tree (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx));
      CREATE TABLE log_checkpoints (tree_size BIGINT PRIMARY KEY, root_hash TEXT NOT NULL, note TEXT NOT NULL, created_ms BIGINT NOT NULL);
      CREATE FUNCTION consentry_no_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
      ${['log_tree', 'log_checkpoints']
        .map(
          (t) => `
      CREATE TRIGGER ${t}_no_change BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION consentry_no_change();
      CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION consentry_no_change();`,
        )
        .join('')}
      INSERT INTO log_tree (level, idx, hash)
        SELECT 0, log_index - 1, sha256('\\x00'::bytea || convert_to(COALESCE(jws, record, content_hash), 'UTF8')) FROM log_entries;`,
  },
  {
    // Consent statistics (storage/rollup.ts): daily rollups per dimension, added to in the append
    // transaction. `stats_backfill` holds the head when the rollups were created: the entries up
    // to it are counted by the backfill that every adapter's migrate() runs afterwards.
    version: 5,
    name: 'consent statistics rollups',
    sqlite: `
      CREATE TABLE stats_daily (
        dimension TEXT NOT NULL, day INTEGER NOT NULL, key TEXT NOT NULL,
        decisions INTEGER NOT NULL, accept_all INTEGER NOT NULL, reject_all INTEGER NOT NULL,
        custom INTEGER NOT NULL, gpc INTEGER NOT NULL,
        PRIMARY KEY (dimension, day, key)
      ) WITHOUT ROWID;
      CREATE TABLE stats_daily_categories (
        dimension TEXT NOT NULL, day INTEGER NOT NULL, key TEXT NOT NULL, category TEXT NOT NULL,
        granted INTEGER NOT NULL, denied INTEGER NOT NULL,
        PRIMARY KEY (dimension, day, key, category)
      ) WITHOUT ROWID;
      CREATE TABLE stats_backfill (boundary INTEGER NOT NULL, done INTEGER NOT NULL);
      INSERT INTO stats_backfill SELECT COALESCE(MAX(log_index), 0), 0 FROM log_entries;`,
    postgres: `
      CREATE TABLE stats_daily (
        dimension TEXT NOT NULL, day INTEGER NOT NULL, key TEXT NOT NULL,
        decisions BIGINT NOT NULL, accept_all BIGINT NOT NULL, reject_all BIGINT NOT NULL,
        custom BIGINT NOT NULL, gpc BIGINT NOT NULL,
        PRIMARY KEY (dimension, day, key)
      );
      CREATE TABLE stats_daily_categories (
        dimension TEXT NOT NULL, day INTEGER NOT NULL, key TEXT NOT NULL, category TEXT NOT NULL,
        granted BIGINT NOT NULL, denied BIGINT NOT NULL,
        PRIMARY KEY (dimension, day, key, category)
      );
      CREATE TABLE stats_backfill (boundary BIGINT NOT NULL, done BIGINT NOT NULL);
      INSERT INTO stats_backfill SELECT COALESCE(MAX(log_index), 0), 0 FROM log_entries;`,
  },
  {
    // `consentry-collector audit` runs (audit.ts): one row per run, so the console's log health
    // can say when the log was last audited and with what result. Notes, not evidence: the audit's
    // own output (and the exit code) is what a site owner keeps.
    version: 6,
    name: 'audit runs',
    sqlite: `
      CREATE TABLE audit_runs (
        ran_ms INTEGER NOT NULL, ok INTEGER NOT NULL, entries INTEGER NOT NULL, tree_size INTEGER NOT NULL,
        findings INTEGER NOT NULL, first_finding TEXT, signatures_checked INTEGER NOT NULL
      );
      CREATE INDEX audit_runs_ran ON audit_runs (ran_ms);`,
    postgres: `
      CREATE TABLE audit_runs (
        ran_ms BIGINT NOT NULL, ok INTEGER NOT NULL, entries BIGINT NOT NULL, tree_size BIGINT NOT NULL,
        findings INTEGER NOT NULL, first_finding TEXT, signatures_checked INTEGER NOT NULL
      );
      CREATE INDEX audit_runs_ran ON audit_runs (ran_ms);`,
  },
  {
    // Witness cosignatures of checkpoints (witness.ts): one per witness key and tree size, as it
    // was verified on arrival, served back as signature lines under the checkpoint. Append-only
    // like the checkpoints they sign.
    version: 7,
    name: 'witness cosignatures',
    sqlite: `
      CREATE TABLE log_cosignatures (
        tree_size INTEGER NOT NULL, witness TEXT NOT NULL, key_id TEXT NOT NULL, cosigned_s INTEGER NOT NULL,
        signature TEXT NOT NULL, received_ms INTEGER NOT NULL,
        PRIMARY KEY (tree_size, witness, key_id)
      ) WITHOUT ROWID;
      CREATE TRIGGER log_cosignatures_no_change BEFORE UPDATE ON log_cosignatures BEGIN SELECT RAISE(ABORT, 'log_cosignatures is append-only'); END;
      CREATE TRIGGER log_cosignatures_no_delete BEFORE DELETE ON log_cosignatures BEGIN SELECT RAISE(ABORT, 'log_cosignatures is append-only'); END;`,
    postgres: `
      CREATE TABLE log_cosignatures (
        tree_size BIGINT NOT NULL, witness TEXT NOT NULL, key_id TEXT NOT NULL, cosigned_s BIGINT NOT NULL,
        signature TEXT NOT NULL, received_ms BIGINT NOT NULL,
        PRIMARY KEY (tree_size, witness, key_id)
      );
      CREATE TRIGGER log_cosignatures_no_change BEFORE UPDATE OR DELETE ON log_cosignatures FOR EACH ROW EXECUTE FUNCTION consentry_no_change();
      CREATE TRIGGER log_cosignatures_no_truncate BEFORE TRUNCATE ON log_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION consentry_no_change();`,
  },
]
