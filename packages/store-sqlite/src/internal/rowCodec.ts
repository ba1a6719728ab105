import { JournalRows } from "@coderclaw/runtime"

// The row codec is shared with the other SQL stores: it lives in the runtime (`JournalRows`).
export type EventRow = JournalRows.EventRow
export type TaskRow = JournalRows.TaskRow
export type RecordRow = JournalRows.RecordRow
export type CheckpointRow = JournalRows.CheckpointRow
export const {
  eventFromRow,
  recordFromRow,
  rowChecksumHolds,
  checkpointFromRow,
  taskToRow,
  eventToRow,
  checkPendingEvents,
  checkpointToRow
} = JournalRows
