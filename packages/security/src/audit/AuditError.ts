import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why an audit operation failed:
 * - `not_permitted`: the caller lacks `audit:read` (or `admin:all`) to query the log.
 * - `invalid_entry`: `record` got an entry it cannot store (e.g. a malformed `action`); nothing was written.
 * - `invalid_query`: a query filter is malformed (bad cursor, limit, time range).
 * - `conflict`: the entry does not follow the store's head (another writer appended first); nothing was
 *   written. `AuditLog` re-reads the head and retries, so callers rarely see it.
 * - `unavailable`: the store cannot be read or written right now.
 * - `corrupt`: a stored row cannot be read back as an entry.
 */
export const AuditErrorReason = Schema.Literals([
  "NotPermitted",
  "InvalidEntry",
  "InvalidQuery",
  "Conflict",
  "Unavailable",
  "Corrupt"
])
export type AuditErrorReason = typeof AuditErrorReason.Type

/** The one error of the audit concern; match on `reason`, never on the message text. */
export class AuditError extends Schema.TaggedError<AuditError>()("AuditError", {
  reason: AuditErrorReason,
  detail: Schema.optionalKey(Schema.String),
  /** The entry concerned, when there is one. */
  seq: Schema.optionalKey(Schema.Number)
}) {
  override get message(): string {
    const where = this.seq === undefined ? "" : ` (seq ${this.seq})`
    return `Audit ${reasonWords(this.reason)}${where}${this.detail === undefined ? "" : `: ${this.detail}`}`
  }
}
