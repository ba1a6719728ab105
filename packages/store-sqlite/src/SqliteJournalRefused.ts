import { Schema } from "effect"

/** Who holds a journal file: the process that opened it last and still runs (see `SqliteJournalRefused`). */
export const JournalHolder = Schema.Struct({
  pid: Schema.Number,
  host: Schema.String,
  /** When the holder opened the journal, in ms since the epoch. */
  startedAt: Schema.Number
})
export type JournalHolder = typeof JournalHolder.Type

/**
 * Why a SQLite journal file was not opened, although SQLite itself could read it:
 * - `Locked`: another journal (in this or another process) has the file open. Only one writer may own a
 *   journal: two would both recover and run the same tasks. `holder` names it when its owner file was
 *   readable. The lock is an OS lock, so it disappears with the holder, even after `kill -9`.
 * - `DataLost`: the database holds fewer events than were acknowledged (`expectedPosition` against
 *   `foundPosition`): its `-wal` file was deleted, truncated or replaced after writes were acknowledged.
 *   Nothing is started over the loss; restore the files from a backup, or accept the loss by removing the
 *   `<database>.mark` file.
 */
export class SqliteJournalRefused extends Schema.TaggedError<SqliteJournalRefused>()("SqliteJournalRefused", {
  reason: Schema.Literals(["Locked", "DataLost"]),
  filename: Schema.String,
  detail: Schema.String,
  holder: Schema.optionalKey(JournalHolder),
  expectedPosition: Schema.optionalKey(Schema.Number),
  foundPosition: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    return `Journal ${this.filename} refused (${this.reason}): ${this.detail}`
  }
}
