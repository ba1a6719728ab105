import { JournalError } from "@coderclaw/runtime"
import type { SqliteConnection } from "./driver/SqliteConnection.js"
import { latestVersion, type Migration, NewerSchema, runMigrations } from "./runMigrations.js"

/** `coderclaw_crc` over a table's columns, as `checksum.ts` computes it for new rows. */
const eventCrcSql = "coderclaw_crc(position, task_id, seq, at, caused_by, event)"
const taskCrcSql = "coderclaw_crc(id, status, session_id, agent_id, parent_id, root_id, created_at, last_seq, record)"
const checkpointCrcSql = "coderclaw_crc(task_id, data)"

/** The SQL checksum expressions, for the integrity scan. */
export const checksumSql = { event: eventCrcSql, task: taskCrcSql, checkpoint: checkpointCrcSql } as const

// The statuses a task can still leave; `activeTasks` and the open-time verification read them through the
// partial index below. Kept as SQL text here because changing them means migrating that index.
export const activeStatusesSql = "('pending', 'planning', 'running', 'waiting')"

const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        session_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        parent_id TEXT,
        root_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tasks_status ON tasks (status, id);
      CREATE INDEX tasks_session ON tasks (session_id, id);
      CREATE INDEX tasks_agent ON tasks (agent_id, id);
      CREATE INDEX tasks_parent ON tasks (parent_id, id) WHERE parent_id IS NOT NULL;
      CREATE INDEX tasks_root ON tasks (root_id, id);
      CREATE INDEX tasks_created ON tasks (created_at);
      CREATE INDEX tasks_active ON tasks (id) WHERE status IN ${activeStatusesSql};

      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        caused_by TEXT NOT NULL,
        event TEXT NOT NULL,
        UNIQUE (task_id, seq)
      ) STRICT;

      CREATE TABLE checkpoints (
        task_id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE health (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        probed_at INTEGER NOT NULL
      ) STRICT;
    `
  },
  {
    // Checksums: every row carries the CRC-32 of its columns, checked on each read, so a changed byte is
    // reported (and the task quarantined) instead of served. Existing rows get theirs here, computed from
    // their current content: damage older than this migration cannot be told from data.
    version: 2,
    sql: `
      ALTER TABLE tasks ADD COLUMN crc INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE events ADD COLUMN crc INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE checkpoints ADD COLUMN crc INTEGER NOT NULL DEFAULT 0;
      UPDATE tasks SET crc = ${taskCrcSql};
      UPDATE events SET crc = ${eventCrcSql};
      UPDATE checkpoints SET crc = ${checkpointCrcSql};
    `
  }
]

const journalSchema = { table: "schema_migrations", migrations }

/** The schema version this code writes: the highest migration it knows. */
export const schemaVersion = latestVersion(journalSchema)

/**
 * Brings the journal's tables to `schemaVersion` (see `runMigrations`). A database already at a higher
 * version is refused as `Unavailable`, not `Corrupt`: the data is fine and a newer release can open it;
 * nothing must be restored.
 */
export const migrate = (db: SqliteConnection, now: number): JournalError | undefined => {
  const newer = runMigrations(db, journalSchema, now)
  return newer instanceof NewerSchema
    ? new JournalError({
        reason: "Unavailable",
        detail:
          `${db.name} has schema version ${newer.found}, newer than the ${newer.known} this ` +
          "@coderclaw/store-sqlite understands; open it with a newer release"
      })
    : undefined
}
