import type { JournalRows } from "@coderclaw/runtime"

// PostgreSQL returns bigint columns as text or bigint depending on the codec: every number of a row is
// read through Number() so checksums are computed over the same values as when the row was written.

/** Columns of `events` as selected. */
export const eventColumns = "position, task_id, seq, at, caused_by, event, crc"
/** Every column of `tasks`, so a row's checksum can be checked whenever it is read. */
export const taskColumns = "id, status, session_id, agent_id, parent_id, root_id, created_at, last_seq, record, crc"

type Raw = { readonly [column: string]: unknown }

export const eventRow = (row: Raw): JournalRows.EventRow => ({
  position: Number(row.position),
  task_id: String(row.task_id),
  seq: Number(row.seq),
  at: Number(row.at),
  caused_by: String(row.caused_by),
  event: String(row.event),
  crc: Number(row.crc)
})

export const taskRow = (row: Raw): JournalRows.RecordRow => ({
  id: String(row.id),
  status: String(row.status),
  session_id: String(row.session_id),
  agent_id: String(row.agent_id),
  parent_id: row.parent_id === null || row.parent_id === undefined ? null : String(row.parent_id),
  root_id: String(row.root_id),
  created_at: Number(row.created_at),
  last_seq: Number(row.last_seq),
  record: String(row.record),
  crc: Number(row.crc)
})
