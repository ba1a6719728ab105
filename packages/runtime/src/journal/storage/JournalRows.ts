/**
 * How a durable journal stores events, task records and checkpoints as rows, shared by the SQL stores
 * (`@coderclaw/store-sqlite`, `@coderclaw/store-postgres`): one column per field, the JSON text of the
 * event or record, and a CRC-32 checksum of every column checked on every read. A row that fails its
 * checksum or does not decode is `Corrupt`, naming its task, so the store can quarantine that task alone.
 *
 * @module
 */
import { JsonValue, TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
import { Result, Schema } from "effect"
import type { PendingEvent } from "../Journal.js"
import { JournalError } from "../JournalError.js"
import { checkpointChecksum, eventChecksum, taskChecksum } from "./journalChecksums.js"

/** A row of `events`, as a store returns it (numbers as JS numbers). */
export interface EventRow {
  readonly position: number
  readonly task_id: string
  readonly seq: number
  readonly at: number
  readonly caused_by: string
  readonly event: string
  /** `eventChecksum` of the other columns, written with the row and checked on every read. */
  readonly crc: number
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
  /** `taskChecksum` of the other columns, written with the row and checked on every read. */
  readonly crc: number
}

/** The columns of `tasks` read back: all of them, so the checksum can be checked. */
export type RecordRow = TaskRow

/** A row of `checkpoints` read back. */
export interface CheckpointRow {
  readonly data: string
  readonly crc: number
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
  if (row.crc !== eventChecksum(row.position, row.task_id, row.seq, row.at, row.caused_by, row.event)) {
    return corrupt("fails its checksum: the row was changed outside the journal or damaged on disk")
  }
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
  if (!rowChecksumHolds(row)) {
    return corrupt("fails its checksum: the row was changed outside the journal or damaged on disk")
  }
  const record = parseJson(row.record)
  if (record === unreadable) return corrupt("is not valid JSON")
  const decoded = decodeRecord(record)
  if (Result.isFailure(decoded)) return corrupt(`does not decode: ${decoded.failure.message}`)
  return decoded.success.id === row.id ? decoded.success : corrupt(`belongs to task ${decoded.success.id}`)
}

/** Whether a task row's checksum matches its columns. */
export const rowChecksumHolds = (row: TaskRow): boolean =>
  row.crc ===
  taskChecksum(
    row.id,
    row.status,
    row.session_id,
    row.agent_id,
    row.parent_id,
    row.root_id,
    row.created_at,
    row.last_seq,
    row.record
  )

/** A stored checkpoint; a row failing its checksum or JSON that does not decode is `Corrupt`. */
export const checkpointFromRow = (taskId: string, row: CheckpointRow): JsonValue | JournalError => {
  if (row.crc !== checkpointChecksum(taskId, row.data)) {
    return new JournalError({
      reason: "Corrupt",
      detail: "the stored checkpoint fails its checksum: the row was changed outside the journal or damaged on disk",
      taskId
    })
  }
  const text = row.data
  const data = parseJson(text)
  const decoded = data === unreadable ? undefined : decodeJsonValue(data)
  return decoded !== undefined && Result.isSuccess(decoded)
    ? decoded.success
    : new JournalError({ reason: "Corrupt", detail: "the stored checkpoint is not valid JSON", taskId })
}

/** A task record as the row that stores it. */
export const taskToRow = (record: TaskRecord): TaskRow => {
  const text = JSON.stringify(record)
  const parentId = record.parentId ?? null
  return {
    id: record.id,
    status: record.status,
    session_id: record.sessionId,
    agent_id: record.agentId,
    parent_id: parentId,
    root_id: record.rootId,
    created_at: record.createdAt,
    last_seq: record.lastSeq,
    record: text,
    crc: taskChecksum(
      record.id,
      record.status,
      record.sessionId,
      record.agentId,
      parentId,
      record.rootId,
      record.createdAt,
      record.lastSeq,
      text
    )
  }
}

/** An envelope as the row that stores it. */
export const eventToRow = (envelope: TaskEventEnvelope): EventRow => {
  const event = JSON.stringify(envelope.event)
  return {
    position: envelope.position,
    task_id: envelope.taskId,
    seq: envelope.seq,
    at: envelope.at,
    caused_by: envelope.causedBy,
    event,
    crc: eventChecksum(envelope.position, envelope.taskId, envelope.seq, envelope.at, envelope.causedBy, event)
  }
}

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

/** A checkpoint as the row that stores it; a value JSON cannot represent is refused, nothing stored. */
export const checkpointToRow = (taskId: string, data: JsonValue): CheckpointRow | JournalError => {
  const decoded = decodeJsonValue(data)
  if (Result.isSuccess(decoded)) {
    const text = JSON.stringify(decoded.success)
    return { data: text, crc: checkpointChecksum(taskId, text) }
  }
  return new JournalError({
    reason: "Corrupt",
    detail: `the checkpoint is not JSON: ${decoded.failure.message}`,
    taskId
  })
}
export { checkpointChecksum, checksumOf, eventChecksum, taskChecksum } from "./journalChecksums.js"
