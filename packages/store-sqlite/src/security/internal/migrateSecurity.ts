import { genesisHash } from "@coderclaw/security"
import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"
import { latestVersion, type Migration, type NewerSchema, runMigrations } from "../../internal/runMigrations.js"

// Every table is prefixed `security_` so it can share one file with the journal's tables; the version table
// is separate from the journal's `schema_migrations`, so each side migrates on its own schedule. Values the
// ports keep as lists or objects (roles, scopes, JWKs, audit reasons and details) are JSON text columns;
// optional fields are nullable columns, NULL meaning "absent".
const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    sql: `
      CREATE TABLE security_users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        roles TEXT NOT NULL,
        display_name TEXT,
        disabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE security_sessions (
        id TEXT PRIMARY KEY,
        principal_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        display_name TEXT,
        roles TEXT NOT NULL,
        device_id TEXT,
        trust TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX security_sessions_principal ON security_sessions (principal_id, created_at);
      CREATE INDEX security_sessions_expires ON security_sessions (expires_at);

      CREATE TABLE security_signing_keys (
        kid TEXT PRIMARY KEY,
        public_jwk TEXT NOT NULL,
        private_jwk TEXT,
        created_at INTEGER NOT NULL,
        retired_at INTEGER
      ) STRICT;

      CREATE TABLE security_devices (
        device_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        principal_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        paired_at INTEGER NOT NULL,
        approved_by TEXT NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT
      ) STRICT;
      CREATE INDEX security_devices_principal ON security_devices (principal_id, paired_at);

      CREATE TABLE security_pairing_requests (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        public_key TEXT NOT NULL,
        principal_id TEXT NOT NULL,
        name TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        decided_at INTEGER,
        decided_by TEXT,
        reason TEXT
      ) STRICT;
      CREATE INDEX security_pairing_requests_status ON security_pairing_requests (status, requested_at, id);
      CREATE INDEX security_pairing_requests_device ON security_pairing_requests (device_id, requested_at, id);
      CREATE INDEX security_pairing_requests_expires ON security_pairing_requests (expires_at);

      CREATE TABLE security_audit_entries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        device TEXT,
        session TEXT,
        action TEXT NOT NULL,
        resource TEXT,
        decision TEXT NOT NULL,
        reasons TEXT NOT NULL,
        request_id TEXT,
        remote_address TEXT,
        details TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX security_audit_actor ON security_audit_entries (actor, seq);
      CREATE INDEX security_audit_action ON security_audit_entries (action, seq);

      -- The head is its own row, written in the same transaction as each entry: cutting entries off the end
      -- leaves a head that no longer matches, and a missing head row is itself damage.
      CREATE TABLE security_audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      INSERT INTO security_audit_head (id, seq, hash) VALUES (1, 0, '${genesisHash}');
    `
  }
]

const securitySchema = { table: "security_schema_migrations", migrations }

/** The security schema version this code writes: the highest migration it knows. */
export const securitySchemaVersion = latestVersion(securitySchema)

/**
 * Brings the security tables to `securitySchemaVersion` (see `runMigrations`), recording each step in
 * `security_schema_migrations`. Answers `NewerSchema`, changing nothing, for a file a newer release has
 * migrated further.
 */
export const migrateSecurity = (db: SqliteConnection, now: number): NewerSchema | undefined =>
  runMigrations(db, securitySchema, now)
