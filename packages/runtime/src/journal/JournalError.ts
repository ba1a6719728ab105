import { Schema } from "effect"

/**
 * Why the journal refused or failed an operation:
 * - `Conflict`: an appended event's seq is not the task's next one (another writer got there first); the
 *   batch was not written.
 * - `Corrupt`: stored data breaks the journal's rules (a gap in seqs, an impossible transition, unreadable
 *   JSON); nothing is silently skipped.
 * - `Unavailable`: the storage cannot be reached or written (disk full, database closed).
 */
export class JournalError extends Schema.TaggedError<JournalError>()("JournalError", {
  reason: Schema.Literals(["Conflict", "Corrupt", "Unavailable"]),
  detail: Schema.String,
  taskId: Schema.optionalKey(Schema.String),
  seq: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const where =
      this.taskId === undefined ? "" : ` (task ${this.taskId}${this.seq === undefined ? "" : `, seq ${this.seq}`})`
    return `Journal ${this.reason.toLowerCase()}${where}: ${this.detail}`
  }
}
