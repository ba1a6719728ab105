import { genesisHash } from "@coderclaw/security"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The security schema version this release writes. */
export const securitySchemaVersion = 1

// Tables prefixed `security_`, beside the journal's in the same schema; their own version table, so each
// side migrates on its own schedule. `ord` columns keep insertion order where the ports promise it.
const statements = [
  `CREATE TABLE security_users (
    username text PRIMARY KEY, password_hash text NOT NULL, roles text NOT NULL, display_name text,
    disabled boolean NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL)`,
  `CREATE TABLE security_sessions (
    ord bigserial UNIQUE, id text PRIMARY KEY, principal_id text NOT NULL, provider text NOT NULL, display_name text,
    roles text NOT NULL, device_id text, trust text NOT NULL, scopes text NOT NULL, created_at bigint NOT NULL,
    expires_at bigint NOT NULL, revoked_at bigint)`,
  "CREATE INDEX security_sessions_principal ON security_sessions (principal_id, created_at, ord)",
  "CREATE INDEX security_sessions_expires ON security_sessions (expires_at)",
  "CREATE TABLE security_session_revision (id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL)",
  "INSERT INTO security_session_revision (id, revision) VALUES (1, 0)",
  `CREATE TABLE security_signing_keys (
    ord bigserial UNIQUE, kid text PRIMARY KEY, public_jwk text NOT NULL, private_jwk text,
    created_at bigint NOT NULL, retired_at bigint)`,
  `CREATE TABLE security_devices (
    ord bigserial UNIQUE, device_id text PRIMARY KEY, public_key text NOT NULL, principal_id text NOT NULL, name text NOT NULL,
    status text NOT NULL, paired_at bigint NOT NULL, approved_by text NOT NULL, revoked_at bigint, revoked_by text)`,
  "CREATE INDEX security_devices_principal ON security_devices (principal_id, paired_at)",
  `CREATE TABLE security_pairing_requests (
    id text PRIMARY KEY, device_id text NOT NULL, public_key text NOT NULL, principal_id text NOT NULL,
    name text NOT NULL, requested_at bigint NOT NULL, expires_at bigint NOT NULL, status text NOT NULL,
    decided_at bigint, decided_by text, reason text)`,
  "CREATE INDEX security_pairing_requests_status ON security_pairing_requests (status, requested_at, id)",
  "CREATE INDEX security_pairing_requests_expires ON security_pairing_requests (expires_at)",
  `CREATE TABLE security_audit_entries (
    seq bigint PRIMARY KEY, id text NOT NULL, at bigint NOT NULL, actor text NOT NULL, device text, session text,
    action text NOT NULL, resource text, decision text NOT NULL, reasons text NOT NULL, request_id text,
    remote_address text, details text, prev_hash text NOT NULL, hash text NOT NULL)`,
  "CREATE INDEX security_audit_actor ON security_audit_entries (actor, seq)",
  "CREATE INDEX security_audit_action ON security_audit_entries (action, seq)",
  // The head is its own row, moved in the same transaction as each entry: cutting entries off the end
  // leaves a head that no longer matches, which verification reports.
  "CREATE TABLE security_audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)",
  `INSERT INTO security_audit_head (id, seq, hash) VALUES (1, 0, '${genesisHash}')`
]

/** The schema holds security tables of a newer release than this one. */
export class NewerSecuritySchema {
  constructor(readonly found: number) {}
}

/**
 * Creates the schema and the `security_*` tables when missing, in one transaction under an advisory lock
 * (nodes starting together migrate once), recorded in `security_schema_version`.
 */
export const migrateSecurity = (
  sql: SqlClient,
  schema: string,
  lockKey: readonly [number, number],
  now: number
): Effect.Effect<NewerSecuritySchema | undefined, SqlError> =>
  sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`SELECT pg_advisory_xact_lock(${lockKey[0]}, ${lockKey[1]})`
      yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
      yield* sql`CREATE TABLE IF NOT EXISTS security_schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)`
      const [row] = yield* sql<{ version: number | null }>`SELECT max(version) AS version FROM security_schema_version`
      const found = Number(row?.version ?? 0)
      if (found > securitySchemaVersion) return new NewerSecuritySchema(found)
      if (found < 1) {
        for (const statement of statements) yield* sql.unsafe(statement)
        yield* sql`INSERT INTO security_schema_version (version, applied_at) VALUES (1, ${now})`
      }
      return undefined
    })
  )
