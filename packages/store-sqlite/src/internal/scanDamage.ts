import type { DamagedTask } from "@coderclaw/runtime"
import type { SqliteConnection } from "./driver/SqliteConnection.js"
import { checksumSql } from "./migrate.js"

/**
 * Finds every damaged task in one pass over the tables (run at open, and by `SqliteJournal.check`):
 * rows whose checksum does not match their columns (events, task rows, checkpoints), tasks whose events do
 * not run 1…`last_seq` (a deleted or re-keyed event row), and events of a task that has no row. Returns
 * one finding per task, the first found. Needs `coderclaw_crc` registered on the connection.
 */
export const scanDamage = (db: SqliteConnection): ReadonlyArray<DamagedTask> => {
  const found = new Map<string, string>()
  const add = (taskId: string, detail: string) => {
    if (!found.has(taskId)) found.set(taskId, detail)
  }
  for (const row of db
    .prepare<[], { task_id: unknown; position: number; seq: unknown }>(
      `SELECT task_id, position, seq FROM events WHERE crc IS NOT ${checksumSql.event}`
    )
    .all()) {
    add(String(row.task_id), `the event at position ${row.position} (seq ${String(row.seq)}) fails its checksum`)
  }
  for (const id of db.prepare<[], unknown>(`SELECT id FROM tasks WHERE crc IS NOT ${checksumSql.task}`).pluck().all()) {
    add(String(id), "the task row fails its checksum")
  }
  for (const id of db
    .prepare<[], unknown>(`SELECT task_id FROM checkpoints WHERE crc IS NOT ${checksumSql.checkpoint}`)
    .pluck()
    .all()) {
    add(String(id), "the task's checkpoint fails its checksum")
  }
  for (const row of db
    .prepare<[], { id: unknown; last_seq: unknown; stored: number; top: number }>(
      `SELECT t.id, t.last_seq, count(e.seq) AS stored, coalesce(max(e.seq), 0) AS top
       FROM tasks t LEFT JOIN events e ON e.task_id = t.id
       GROUP BY t.id HAVING stored IS NOT t.last_seq OR top IS NOT t.last_seq`
    )
    .all()) {
    add(
      String(row.id),
      `the task is at seq ${String(row.last_seq)} but ${row.stored} of its events are stored (highest seq ${row.top})`
    )
  }
  for (const id of db
    .prepare<[], unknown>("SELECT DISTINCT task_id FROM events WHERE task_id NOT IN (SELECT id FROM tasks)")
    .pluck()
    .all()) {
    add(String(id), "events are stored for a task that has no task row")
  }
  return [...found].map(([taskId, detail]) => ({ taskId, detail }))
}
