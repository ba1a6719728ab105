import { JournalError } from "@coderclaw/runtime"
import type { SqlError } from "effect/sql/SqlError"

// PostgreSQL's own verdicts that a retry may pass: lost connection, lock waits, deadlocks, cancelled
// statements. Decided by the error class, never by message text.
const busyReasons = new Set(["DeadlockError", "SerializationError", "LockTimeoutError", "StatementTimeoutError"])

/**
 * Turns an `SqlError` into a `JournalError`. An unreachable server (refused, reset or closed connection)
 * is `Io` and contention is `Busy`: transient, so the runtime retries appends and its health reports the
 * outage. A violated constraint is `Corrupt`; credentials refused, syntax and anything else `Unavailable`.
 * The detail never carries connection settings (a password stays out of logs and audit).
 */
export const fromSqlError = (error: SqlError, doing: string): JournalError => {
  const cause = error.cause
  const tag = cause._tag
  const reason: JournalError["reason"] =
    tag === "ConnectionError"
      ? "Io"
      : busyReasons.has(tag)
        ? "Busy"
        : tag === "UniqueViolation" || tag === "ConstraintError"
          ? "Corrupt"
          : "Unavailable"
  const what = tag === "ConnectionError" ? "PostgreSQL is unreachable" : tag
  return new JournalError({ reason, detail: `${doing}: ${what}: ${cause.message ?? error.message}` })
}
