import { type JournalQuarantine, JournalRows } from "@coderclaw/runtime"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { eventColumns, eventRow, taskColumns, taskRow } from "./rows.js"

const page = 5_000

const scanEvents = (sql: SqlClient, quarantine: JournalQuarantine) =>
  Effect.gen(function* () {
    const lastSeq = new Map<string, number>()
    let cursor = 0
    for (;;) {
      const rows = yield* sql`SELECT ${sql.unsafe(eventColumns)} FROM events WHERE position > ${cursor}
        ORDER BY position LIMIT ${page}`
      for (const raw of rows) {
        const row = eventRow(raw)
        const expected = (lastSeq.get(row.task_id) ?? 0) + 1
        lastSeq.set(row.task_id, row.seq)
        if (row.seq !== expected) {
          quarantine.add(row.task_id, `event seq ${row.seq} follows seq ${expected - 1}: events are missing`)
        }
        quarantine.note(JournalRows.eventFromRow(row))
      }
      if (rows.length < page) return
      cursor = Number(rows.at(-1)?.position)
    }
  })

const scanTasks = (sql: SqlClient, quarantine: JournalQuarantine) =>
  Effect.gen(function* () {
    let after = ""
    for (;;) {
      const rows =
        yield* sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks WHERE id > ${after} ORDER BY id LIMIT ${page}`
      for (const raw of rows) {
        const row = taskRow(raw)
        if (!JournalRows.rowChecksumHolds(row)) {
          quarantine.add(row.id, "the task's record fails its checksum: the row was changed outside the journal")
        }
      }
      if (rows.length < page) return
      after = String(rows.at(-1)?.id)
    }
  })

const scanCheckpoints = (sql: SqlClient, quarantine: JournalQuarantine) =>
  Effect.map(
    sql<{ task_id: string; data: string; crc: unknown }>`SELECT task_id, data, crc FROM checkpoints`,
    (rows) => {
      for (const row of rows) {
        quarantine.note(JournalRows.checkpointFromRow(row.task_id, { data: row.data, crc: Number(row.crc) }))
      }
    }
  )

/**
 * The open-time integrity scan: every event row's checksum and its task's seqs (1, 2, 3… without a
 * gap), every task and checkpoint row's checksum. What fails is quarantined, naming its task, never
 * fatal: the other tasks open and run. Read in pages by key, so memory stays bounded by the task count.
 */
export const scanDamage = (sql: SqlClient, quarantine: JournalQuarantine) =>
  Effect.all([scanEvents(sql, quarantine), scanTasks(sql, quarantine), scanCheckpoints(sql, quarantine)], {
    discard: true
  })
