import { JournalError } from "@coderclaw/runtime"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { fromSqlError } from "./fromSqlError.js"

/** The schema version this release writes. */
export const schemaVersion = 1

export const activeStatuses = ["pending", "planning", "running", "waiting"] as const

// Numbers that may exceed 2^31 (positions, times, CRC-32 values) are bigint; JSON text is text (the
// checksum is over the exact text written, which jsonb would reformat).
const migrations: ReadonlyArray<{ readonly version: number; readonly statements: ReadonlyArray<string> }> = [
  {
    version: 1,
    statements: [
      `CREATE TABLE tasks (
        id text PRIMARY KEY,
        status text NOT NULL,
        session_id text NOT NULL,
        agent_id text NOT NULL,
        parent_id text,
        root_id text NOT NULL,
        created_at bigint NOT NULL,
        last_seq integer NOT NULL,
        record text NOT NULL,
        crc bigint NOT NULL
      )`,
      "CREATE INDEX tasks_status ON tasks (status, id)",
      "CREATE INDEX tasks_session ON tasks (session_id, id)",
      "CREATE INDEX tasks_agent ON tasks (agent_id, id)",
      "CREATE INDEX tasks_parent ON tasks (parent_id, id) WHERE parent_id IS NOT NULL",
      "CREATE INDEX tasks_root ON tasks (root_id, id)",
      "CREATE INDEX tasks_created ON tasks (created_at)",
      `CREATE INDEX tasks_active ON tasks (id) WHERE status IN (${activeStatuses.map((s) => `'${s}'`).join(", ")})`,
      `CREATE TABLE events (
        position bigint PRIMARY KEY,
        task_id text NOT NULL REFERENCES tasks (id),
        seq integer NOT NULL,
        at bigint NOT NULL,
        caused_by text NOT NULL,
        event text NOT NULL,
        crc bigint NOT NULL,
        UNIQUE (task_id, seq)
      )`,
      `CREATE TABLE checkpoints (
        task_id text PRIMARY KEY,
        data text NOT NULL,
        crc bigint NOT NULL,
        updated_at bigint NOT NULL
      )`,
      `CREATE TABLE idempotency_keys (
        owner text NOT NULL,
        key text NOT NULL,
        task_id text NOT NULL,
        fingerprint text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (owner, key)
      )`,
      "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)",
      "CREATE TABLE health (id integer PRIMARY KEY CHECK (id = 1), probed_at bigint NOT NULL)"
    ]
  }
]

/**
 * Creates the schema if needed and applies the missing migrations, each in its own transaction, recorded
 * in `schema_version`. A transaction-scoped advisory lock serialises concurrent openers (nodes of a
 * cluster starting together). A schema whose version is higher than this release's is refused
 * (`Unavailable`): its rows may mean something this release does not know.
 */
export const migrate = (
  sql: SqlClient,
  schema: string,
  lockKey: readonly [number, number],
  now: number
): Effect.Effect<void, JournalError> =>
  Effect.gen(function* () {
    const versionOf = sql<{ readonly version: number | null }>`SELECT max(version) AS version FROM schema_version`
    yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql`SELECT pg_advisory_xact_lock(${lockKey[0]}, ${lockKey[1]})`
        yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
        yield* sql`CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)`
        const found = Number((yield* versionOf)[0]?.version ?? 0)
        if (found > schemaVersion) {
          return yield* new JournalError({
            reason: "Unavailable",
            detail:
              `the PostgreSQL schema "${schema}" is at version ${found}, written by a newer release; this ` +
              `release knows versions up to ${schemaVersion}. Upgrade coderclaw, or use another schema`
          })
        }
        for (const migration of migrations) {
          if (migration.version <= found) continue
          for (const statement of migration.statements) yield* sql.unsafe(statement)
          yield* sql`INSERT INTO schema_version (version, applied_at) VALUES (${migration.version}, ${now})`
        }
      })
    )
  }).pipe(Effect.catchTag("SqlError", (error) => Effect.fail(fromSqlError(error, `migrating schema "${schema}"`))))
