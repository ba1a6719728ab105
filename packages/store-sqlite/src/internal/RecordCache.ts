import type { TaskRecord } from "@coderclaw/protocol"
import { JournalError } from "@coderclaw/runtime"
import { type RecordRow, recordFromRow, rowChecksumHolds } from "./rowCodec.js"

/**
 * Records not worth keeping: a finished task is appended to no more, and a waiting one may wait for hours
 * (a parked task must cost no heap).
 */
const isResting = (status: TaskRecord["status"]) =>
  status === "waiting" || status === "completed" || status === "failed" || status === "cancelled"

/**
 * Remembers, for the unfinished tasks touched last, the exact JSON text of their stored record and the record
 * it decodes to, so reading a row whose text is unchanged skips parsing and schema-decoding it.
 *
 * Every append reads the task's stored record (to check the seq and project the next one), and the runtime
 * reads it again to run the task: decoding it each time was a large share of a durable task's CPU. A hit
 * needs the row's text to be exactly the remembered text, so a record written by another connection, or a
 * write that was rolled back, is simply decoded as before: nothing here can return a record the database
 * does not hold. Bounded (oldest first out); waiting and finished tasks are not kept.
 */
export class RecordCache {
  private readonly entries = new Map<string, { readonly text: string; readonly record: TaskRecord }>()

  constructor(private readonly limit = 1_024) {}

  /** The record a row holds, decoded only if its text is not the one remembered for the task. */
  read(row: RecordRow): TaskRecord | JournalError {
    const known = this.entries.get(row.id)
    if (known !== undefined && known.text === row.record && rowChecksumHolds(row)) return known.record
    const record = recordFromRow(row)
    if (!(record instanceof JournalError)) this.remember(row.id, row.record, record)
    return record
  }

  /** Remembers a record and the exact text it is (being) stored as. */
  remember(id: string, text: string, record: TaskRecord): void {
    this.entries.delete(id)
    if (isResting(record.status)) return
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
    this.entries.set(id, { text, record })
  }
}
