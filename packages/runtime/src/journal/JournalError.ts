import { Schema } from "effect"

/**
 * The reasons a journal refuses or fails an operation that may succeed if the same operation is tried
 * again later: the storage is full, locked by another writer, or had an I/O error. The runtime retries
 * these with back-off; the others are never retried.
 */
export const transientJournalReasons = ["Full", "Busy", "Io"] as const

/**
 * Why the journal refused or failed an operation:
 * - `Conflict`: an appended event's seq is not the task's next one (another writer got there first); the
 *   batch was not written.
 * - `Corrupt`: stored data breaks the journal's rules (a gap in seqs, an impossible transition, unreadable
 *   JSON, a violated constraint); nothing is silently skipped.
 * - `Full`: the storage has no room left (disk or quota full); transient, nothing was written.
 * - `Busy`: another writer holds the storage's lock; transient, nothing was written.
 * - `Io`: reading or writing the storage failed at the operating system; transient, nothing was written.
 * - `Unavailable`: the storage cannot be used at all (closed, misconfigured, written by a newer release).
 *
 * `transient` tells the transient reasons apart: retrying them may succeed, retrying the others will not.
 */
export class JournalError extends Schema.TaggedError<JournalError>()("JournalError", {
  reason: Schema.Literals(["Conflict", "Corrupt", "Full", "Busy", "Io", "Unavailable"]),
  detail: Schema.String,
  taskId: Schema.optionalKey(Schema.String),
  seq: Schema.optionalKey(Schema.Number)
}) {
  /** True when the same operation may succeed later (`Full`, `Busy`, `Io`). */
  get transient(): boolean {
    return isTransientJournalReason(this.reason)
  }

  override get message(): string {
    const where =
      this.taskId === undefined ? "" : ` (task ${this.taskId}${this.seq === undefined ? "" : `, seq ${this.seq}`})`
    return `Journal ${this.reason.toLowerCase()}${where}: ${this.detail}`
  }
}

/** Whether a reason of `JournalError` is transient: see `transientJournalReasons`. */
export const isTransientJournalReason = (reason: JournalError["reason"]): boolean =>
  (transientJournalReasons as ReadonlyArray<string>).includes(reason)
