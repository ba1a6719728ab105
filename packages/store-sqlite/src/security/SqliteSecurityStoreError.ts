import { Schema } from "effect"

/**
 * Why the SQLite security stores could not be opened:
 * - `unavailable`: the file cannot be opened or written, refused write-ahead logging, holds a security schema
 *   newer than this release understands, or an option is invalid. The data (if any) is not damaged.
 * - `corrupt`: SQLite reports the file damaged or not a database; restore it from a backup.
 *
 * Once open, each store fails with its own port's error (`LocalUserError`, `SessionRejected`,
 * `DeviceError`, `AuditError`).
 */
export const SqliteSecurityStoreErrorReason = Schema.Literals(["Unavailable", "Corrupt"])
export type SqliteSecurityStoreErrorReason = typeof SqliteSecurityStoreErrorReason.Type

/** The one error of opening the SQLite security stores; match on `reason`, never on the message text. */
export class SqliteSecurityStoreError extends Schema.TaggedError<SqliteSecurityStoreError>()(
  "SqliteSecurityStoreError",
  {
    reason: SqliteSecurityStoreErrorReason,
    detail: Schema.String
  }
) {
  override get message(): string {
    return `SQLite security store ${this.reason.toLowerCase()}: ${this.detail}`
  }
}
