import type { TaskEventEnvelope, TaskId, TaskRecord, TaskStatus } from "@coderclaw/protocol"
import { taskStatuses } from "@coderclaw/protocol"
import { JournalError, type JournalQuarantine, JournalRows } from "@coderclaw/runtime"
import { Effect, Option } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { activeStatuses } from "./migrate.js"
import { eventColumns, eventRow, taskColumns, taskRow } from "./rows.js"

type Raw = { readonly [column: string]: unknown }

/** A positive page size, `undefined` for "no limit", 0 for "nothing". */
const pageLimit = (limit: number): number | undefined =>
  Number.isNaN(limit) || limit <= 0
    ? 0
    : Number.isFinite(limit)
      ? Math.min(Math.floor(limit), 1_000_000_000)
      : undefined

/** Decodes a page of event rows, skipping (and quarantining) damaged tasks' events. */
const collectEvents = (rows: ReadonlyArray<Raw>, quarantine: JournalQuarantine, into: Array<TaskEventEnvelope>) => {
  for (const raw of rows) {
    const row = eventRow(raw)
    if (quarantine.has(row.task_id)) continue
    const envelope = JournalRows.eventFromRow(row)
    if (envelope instanceof JournalError) quarantine.note(envelope)
    else into.push(envelope)
  }
}

/** Decodes a task row, quarantining its task when it fails its checks. */
const recordOf = (raw: Raw, quarantine: JournalQuarantine) => {
  const record = JournalRows.recordFromRow(taskRow(raw))
  return record instanceof JournalError ? quarantine.note(record) : record
}

/**
 * The journal's reads, each one statement (or a few pages). Every row's checksum is checked; a damaged
 * task is refused `Corrupt` by the reads that name it and skipped by the ones that list.
 */
export const makeReads = (sql: SqlClient, quarantine: JournalQuarantine) => {
  const refused = (taskId: string) => {
    const refusal = quarantine.refusal(taskId)
    return refusal === undefined ? undefined : Effect.fail(refusal)
  }

  const readAll = (afterPosition: number, limit: number) =>
    Effect.gen(function* () {
      const wanted = pageLimit(limit)
      const envelopes: Array<TaskEventEnvelope> = []
      let cursor = Math.max(0, afterPosition)
      while (wanted !== 0) {
        const asked = wanted === undefined ? 10_000 : wanted - envelopes.length
        const rows = yield* sql`SELECT ${sql.unsafe(eventColumns)} FROM events WHERE position > ${cursor}
          ORDER BY position LIMIT ${asked}`
        collectEvents(rows, quarantine, envelopes)
        const last = rows.at(-1)
        if (last === undefined || rows.length < asked || envelopes.length >= (wanted ?? Number.POSITIVE_INFINITY)) break
        cursor = Number(last.position)
      }
      return envelopes as ReadonlyArray<TaskEventEnvelope>
    })

  const readTask = (taskId: TaskId, afterSeq: number) =>
    refused(taskId) ??
    Effect.flatMap(
      sql`SELECT ${sql.unsafe(eventColumns)} FROM events WHERE task_id = ${taskId} AND seq > ${afterSeq} ORDER BY seq`,
      (rows) => {
        const envelopes: Array<TaskEventEnvelope> = []
        for (const raw of rows) {
          const envelope = JournalRows.eventFromRow(eventRow(raw))
          if (envelope instanceof JournalError) return Effect.fail(quarantine.note(envelope))
          envelopes.push(envelope)
        }
        return Effect.succeed(envelopes as ReadonlyArray<TaskEventEnvelope>)
      }
    )

  const loadTask = (taskId: TaskId) =>
    refused(taskId) ??
    Effect.flatMap(sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks WHERE id = ${taskId}`, (rows) => {
      if (rows[0] === undefined) return Effect.succeed(Option.none<TaskRecord>())
      const record = recordOf(rows[0], quarantine)
      return record instanceof JournalError ? Effect.fail(record) : Effect.succeed(Option.some(record))
    })

  const activeTasks = Effect.map(
    sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks WHERE status IN ${sql.in(activeStatuses)} ORDER BY id`,
    (rows) => {
      const active: Array<TaskRecord> = []
      for (const raw of rows) {
        if (quarantine.has(String(raw.id))) continue
        const record = recordOf(raw, quarantine)
        if (!(record instanceof JournalError)) active.push(record)
      }
      return active as ReadonlyArray<TaskRecord>
    }
  )

  const countByStatus = Effect.flatMap(
    sql<{ status: string; count: unknown }>`SELECT status, count(*) AS count FROM tasks GROUP BY status`,
    (rows) => {
      const counts = Object.fromEntries(taskStatuses.map((status) => [status, 0])) as Record<TaskStatus, number>
      for (const { status, count } of rows) {
        if (!Object.hasOwn(counts, status)) {
          return Effect.fail(
            new JournalError({ reason: "Corrupt", detail: `a task row has the unknown status '${status}'` })
          )
        }
        counts[status as TaskStatus] = Number(count)
      }
      return Effect.succeed(counts as Readonly<Record<TaskStatus, number>>)
    }
  )

  const loadCheckpoint = (taskId: TaskId) =>
    refused(taskId) ??
    Effect.flatMap(
      sql<{ data: string; crc: unknown }>`SELECT data, crc FROM checkpoints WHERE task_id = ${taskId}`,
      (rows) => {
        const row = rows[0]
        if (row === undefined) return Effect.succeed(Option.none())
        const data = JournalRows.checkpointFromRow(taskId, { data: row.data, crc: Number(row.crc) })
        return data instanceof JournalError ? Effect.fail(quarantine.note(data)) : Effect.succeed(Option.some(data))
      }
    )

  const lastPosition = Effect.map(
    sql<{ last: unknown }>`SELECT coalesce(max(position), 0) AS last FROM events`,
    (rows) => Number(rows[0]?.last ?? 0)
  )

  return { readAll, readTask, loadTask, activeTasks, countByStatus, loadCheckpoint, lastPosition }
}
