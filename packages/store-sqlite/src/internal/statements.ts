import type { SqliteConnection, SqliteStatement } from "./driver/SqliteConnection.js"
import { activeStatusesSql } from "./migrate.js"
import type { CheckpointRow, EventRow, RecordRow, TaskRow } from "./rowCodec.js"

// Active tasks are read through the partial index `tasks_active` (named, so the plan cannot drift to a
// sort of every task): recovery reads only unfinished tasks, already in id order.
const eventColumns = "position, task_id, seq, at, caused_by, event, crc"
/** Every column of `tasks`, so a row's checksum can be checked whenever it is read. */
export const taskColumns = "id, status, session_id, agent_id, parent_id, root_id, created_at, last_seq, record, crc"

/** Every fixed statement the journal runs, prepared once per connection. */
export interface Statements {
  readonly lastPosition: SqliteStatement<[], number>
  readonly loadRecord: SqliteStatement<[string], RecordRow>
  readonly taskColumns: SqliteStatement<[string], Omit<TaskRow, "record" | "crc">>
  readonly upsertTask: SqliteStatement<[TaskRow]>
  readonly insertEvent: SqliteStatement<[EventRow]>
  readonly readTask: SqliteStatement<[string, number], EventRow>
  readonly readAll: SqliteStatement<[number, number], EventRow>
  readonly taskOfPosition: SqliteStatement<[number], string>
  readonly activeTasks: SqliteStatement<[], RecordRow>
  readonly activeTaskIds: SqliteStatement<[], string>
  readonly countByStatus: SqliteStatement<[], { readonly status: string; readonly count: number }>
  readonly saveCheckpoint: SqliteStatement<[string, string, number, number]>
  readonly loadCheckpoint: SqliteStatement<[string], CheckpointRow>
  readonly probe: SqliteStatement<[number]>
}

/** Prepares the journal's statements on an open, migrated connection. */
export const prepareStatements = (db: SqliteConnection): Statements => ({
  lastPosition: db.prepare<[], number>("SELECT coalesce(max(position), 0) FROM events").pluck(),
  loadRecord: db.prepare<[string], RecordRow>(`SELECT ${taskColumns} FROM tasks WHERE id = ?`),
  taskColumns: db.prepare<[string], Omit<TaskRow, "record" | "crc">>(
    "SELECT id, status, session_id, agent_id, parent_id, root_id, created_at, last_seq FROM tasks WHERE id = ?"
  ),
  upsertTask: db.prepare<[TaskRow]>(
    `INSERT INTO tasks (${taskColumns})
     VALUES (@id, @status, @session_id, @agent_id, @parent_id, @root_id, @created_at, @last_seq, @record, @crc)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, last_seq = excluded.last_seq, record = excluded.record,
       crc = excluded.crc`
  ),
  insertEvent: db.prepare<[EventRow]>(
    `INSERT INTO events (${eventColumns}) VALUES (@position, @task_id, @seq, @at, @caused_by, @event, @crc)`
  ),
  readTask: db.prepare<[string, number], EventRow>(
    `SELECT ${eventColumns} FROM events WHERE task_id = ? AND seq > ? ORDER BY seq`
  ),
  readAll: db.prepare<[number, number], EventRow>(
    `SELECT ${eventColumns} FROM events WHERE position > ? ORDER BY position LIMIT ?`
  ),
  taskOfPosition: db.prepare<[number], string>("SELECT task_id FROM events WHERE position = ?").pluck(),
  activeTasks: db.prepare<[], RecordRow>(
    `SELECT ${taskColumns} FROM tasks INDEXED BY tasks_active WHERE status IN ${activeStatusesSql} ORDER BY id`
  ),
  activeTaskIds: db
    .prepare<[], string>(
      `SELECT id FROM tasks INDEXED BY tasks_active WHERE status IN ${activeStatusesSql} ORDER BY id`
    )
    .pluck(),
  countByStatus: db.prepare<[], { readonly status: string; readonly count: number }>(
    "SELECT status, count(*) AS count FROM tasks GROUP BY status"
  ),
  saveCheckpoint: db.prepare<[string, string, number, number]>(
    `INSERT INTO checkpoints (task_id, data, crc, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (task_id) DO UPDATE SET data = excluded.data, crc = excluded.crc, updated_at = excluded.updated_at`
  ),
  loadCheckpoint: db.prepare<[string], CheckpointRow>("SELECT data, crc FROM checkpoints WHERE task_id = ?"),
  probe: db.prepare<[number]>(
    "INSERT INTO health (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at"
  )
})
