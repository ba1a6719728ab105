import type { TaskEventEnvelope, TaskId, TaskRecord } from "@coderclaw/protocol"
import {
  JournalError,
  type JournalQuarantine,
  type PendingEvent,
  projectTaskRecord,
  seqConflict
} from "@coderclaw/runtime"

/** What an accepted append adds to its batch: its envelopes and the records they project. */
export interface StagedAppend {
  readonly stored: ReadonlyArray<TaskEventEnvelope>
  readonly records: ReadonlyMap<TaskId, TaskRecord>
}

/**
 * Validates one `append` call against the records as they stand (`recordOf`: staged in this batch, else
 * stored), numbering its events from `firstPosition + 1`. Refusals (`Conflict` for a seq that is not the
 * task's next, `Corrupt` for a history the lifecycle forbids or a damaged stored record, whose task is
 * quarantined) come back before anything is written, so a refused call changes nothing.
 */
export const stageAppend = (
  events: ReadonlyArray<PendingEvent>,
  recordOf: (taskId: TaskId) => TaskRecord | JournalError | undefined,
  quarantine: JournalQuarantine,
  firstPosition: number
): StagedAppend | JournalError => {
  const records = new Map<TaskId, TaskRecord>()
  const stored: Array<TaskEventEnvelope> = []
  let position = firstPosition
  for (const pending of events) {
    const previous = records.get(pending.taskId) ?? recordOf(pending.taskId)
    if (previous instanceof JournalError) return quarantine.note(previous)
    const conflict = seqConflict(previous, pending)
    if (conflict !== undefined) return conflict
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
    records.set(pending.taskId, next)
    stored.push(envelope)
  }
  return { stored, records }
}
