import type { TaskEventEnvelope, TaskId, TaskRecord } from "@coderclaw/protocol"
import { JournalError, type PendingEvent, projectTaskRecord, seqConflict } from "@coderclaw/runtime"
import type { Quarantine } from "./Quarantine.js"
import type { RecordCache } from "./RecordCache.js"
import { eventToRow, taskToRow } from "./rowCodec.js"
import type { Statements } from "./statements.js"

const loadRecord = (
  statements: Statements,
  records: RecordCache,
  taskId: TaskId
): TaskRecord | undefined | JournalError => {
  const row = statements.loadRecord.get(taskId)
  return row === undefined ? undefined : records.read(row)
}

/**
 * Stores one `append` call inside the current transaction: validates every event against the task's
 * stored record (and the events before it in the same call), projects the new records with
 * `projectTaskRecord`, then writes records and events. Refusals (`Conflict` for a seq that is not the
 * task's next, `Corrupt` for a history the lifecycle forbids) are returned before anything is written, so
 * a refused call leaves the transaction exactly as it found it.
 *
 * Positions continue from the highest stored one, which includes the calls committed earlier in the same
 * batch: positions are dense and strictly increasing in the order calls were queued.
 */
export const appendEvents = (
  statements: Statements,
  records: RecordCache,
  quarantine: Quarantine,
  events: ReadonlyArray<PendingEvent>
): ReadonlyArray<TaskEventEnvelope> | JournalError => {
  let position = statements.lastPosition.get() ?? 0
  const staged = new Map<TaskId, TaskRecord>()
  const stored: Array<TaskEventEnvelope> = []
  for (const pending of events) {
    const previous = staged.get(pending.taskId) ?? loadRecord(statements, records, pending.taskId)
    // A stored record that fails its checks is damage, not a refusal of this call: quarantine its task.
    if (previous instanceof JournalError) return quarantine.note(previous)
    const conflict = seqConflict(previous, pending)
    if (conflict !== undefined) return conflict
    // Listed field by field: a spread copy that then gains `position` is several times slower.
    const envelope: TaskEventEnvelope = {
      taskId: pending.taskId,
      seq: pending.seq,
      position: ++position,
      at: pending.at,
      causedBy: pending.causedBy,
      event: pending.event
    }
    const next = projectTaskRecord(previous, envelope)
    if (next instanceof JournalError) return next
    staged.set(pending.taskId, next)
    stored.push(envelope)
  }
  // Records first: every event row references its task's row.
  for (const record of staged.values()) {
    const row = taskToRow(record)
    statements.upsertTask.run(row)
    records.remember(record.id, row.record, record)
  }
  for (const envelope of stored) statements.insertEvent.run(eventToRow(envelope))
  return stored
}
