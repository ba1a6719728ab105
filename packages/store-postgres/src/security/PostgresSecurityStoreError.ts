import { Schema } from "effect"

/**
 * Why the PostgreSQL security stores could not be opened:
 * - `unavailable`: the server is unreachable, refused the credentials, an option is invalid, or the schema
 *   holds security tables of a newer release. Once open, each store fails with its own port's error
 *   (`LocalUserError`, `SessionRejected`, `DeviceError`, `AuditError`), `unavailable` during an outage.
 */
export const PostgresSecurityStoreErrorReason = Schema.Literals(["Unavailable"])
export type PostgresSecurityStoreErrorReason = typeof PostgresSecurityStoreErrorReason.Type

/** The one error of opening the PostgreSQL security stores; match on `reason`, never on the message text. */
export class PostgresSecurityStoreError extends Schema.TaggedError<PostgresSecurityStoreError>()(
  "PostgresSecurityStoreError",
  { reason: PostgresSecurityStoreErrorReason, detail: Schema.String }
) {
  override get message(): string {
    return `PostgreSQL security store ${this.reason.toLowerCase()}: ${this.detail}`
  }
}
