import { JsonValue, TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import { JournalError, type PendingEvent } from "@coderclaw/runtime"
import { Result, Schema } from "effect"

/** A row of `events`, as better-sqlite3 returns it. */
export interface EventRow {
  readonly position: number
  readonly task_id: string
  readonly seq: number
  readonly at: number
  readonly caused_by: string
  readonly event: string
}

/** The columns of `tasks` read back: the id and the record's JSON. */
export interface RecordRow {
  readonly id: string
  readonly record: string
}

/** A row of `tasks` to write: the filter and sort columns, and the whole record as JSON. */
export interface TaskRow {
  readonly id: string
  readonly status: string
  readonly session_id: string
  readonly agent_id: string
  readonly parent_id: string | null
  readonly root_id: string
  readonly created_at: number
  readonly last_seq: number
  readonly record: string
}

const { position: _position, ...pendingFields } = TaskEventEnvelope.fields
const PendingEventSchema = Schema.Struct(pendingFields)

const decodeEnvelope = Schema.decodeUnknownResult(TaskEventEnvelope)
const decodeRecord = Schema.decodeUnknownResult(TaskRecord)
const decodeJsonValue = Schema.decodeUnknownResult(JsonValue)
const decodePending = Schema.decodeUnknownResult(PendingEventSchema)

const unreadable: unique symbol = Symbol("unreadable")

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return unreadable
  }
}

/** An event row as an envelope; a row that is not valid JSON or not a task event is `Corrupt`. */
export const eventFromRow = (row: EventRow): TaskEventEnvelope | JournalError => {
  const corrupt = (detail: string) =>
    new JournalError({
      reason: "Corrupt",
      detail: `the event at position ${row.position} ${detail}`,
      taskId: row.task_id,
      seq: row.seq
    })
  const event = parseJson(row.event)
  if (event === unreadable) return corrupt("is not valid JSON")
  const decoded = decodeEnvelope({
    taskId: row.task_id,
    seq: row.seq,
    position: row.position,
    at: row.at,
    causedBy: row.caused_by,
    event
  })
  return Result.isSuccess(decoded) ? decoded.success : corrupt(`does not decode: ${decoded.failure.message}`)
}

/** A task row's record; JSON that does not decode as a `TaskRecord` is `Corrupt`. */
export const recordFromRow = (row: RecordRow): TaskRecord | JournalError => {
  const corrupt = (detail: string) =>
    new JournalError({ reason: "Corrupt", detail: `the stored record ${detail}`, taskId: row.id })
  const record = parseJson(row.record)
  if (record === unreadable) return corrupt("is not valid JSON")
  const decoded = decodeRecord(record)
  if (Result.isFailure(decoded)) return corrupt(`does not decode: ${decoded.failure.message}`)
  return decoded.success.id === row.id ? decoded.success : corrupt(`belongs to task ${decoded.success.id}`)
}

/** A stored checkpoint; JSON that does not decode is `Corrupt`. */
export const checkpointFromText = (taskId: string, text: string): JsonValue | JournalError => {
  const data = parseJson(text)
  const decoded = data === unreadable ? undefined : decodeJsonValue(data)
  return decoded !== undefined && Result.isSuccess(decoded)
    ? decoded.success
    : new JournalError({ reason: "Corrupt", detail: "the stored checkpoint is not valid JSON", taskId })
}

/** A task record as the row that stores it. */
export const taskToRow = (record: TaskRecord): TaskRow => ({
  id: record.id,
  status: record.status,
  session_id: record.sessionId,
  agent_id: record.agentId,
  parent_id: record.parentId ?? null,
  root_id: record.rootId,
  created_at: record.createdAt,
  last_seq: record.lastSeq,
  record: JSON.stringify(record)
})

/** An envelope as the row that stores it. */
export const eventToRow = (envelope: TaskEventEnvelope): EventRow => ({
  position: envelope.position,
  task_id: envelope.taskId,
  seq: envelope.seq,
  at: envelope.at,
  caused_by: envelope.causedBy,
  event: JSON.stringify(envelope.event)
})

/**
 * Checks events before they are queued for a commit. Anything stored must decode again when read, or
 * the journal would refuse to open over it; an event that does not match the protocol is refused as
 * `Corrupt` (the history it would create breaks the journal's rules), nothing of its call being stored.
 * Returns the decoded events: unknown keys dropped, exactly what reads will return.
 */
export const checkPendingEvents = (events: ReadonlyArray<PendingEvent>): ReadonlyArray<PendingEvent> | JournalError => {
  const checked: Array<PendingEvent> = []
  for (const pending of events) {
    const decoded = decodePending(pending)
    if (Result.isFailure(decoded)) {
      return new JournalError({
        reason: "Corrupt",
        detail: `the event does not match the protocol: ${decoded.failure.message}`,
        ...(typeof pending.taskId === "string" ? { taskId: pending.taskId } : {}),
        ...(typeof pending.seq === "number" ? { seq: pending.seq } : {})
      })
    }
    checked.push(decoded.success)
  }
  return checked
}

/** A checkpoint as stored JSON text; a value JSON cannot represent is refused, nothing stored. */
export const checkpointToText = (taskId: string, data: JsonValue): string | JournalError => {
  const decoded = decodeJsonValue(data)
  return Result.isSuccess(decoded)
    ? JSON.stringify(decoded.success)
    : new JournalError({
        reason: "Corrupt",
        detail: `the checkpoint is not JSON: ${decoded.failure.message}`,
        taskId
      })
}
