import { JournalError } from "@coderclaw/runtime"
import type { SqlError } from "effect/sql/SqlError"

// Failures a retry may pass, decided by the error class and PostgreSQL's SQLSTATE, never by message text.
const busyReasons = new Set(["DeadlockError", "SerializationError", "LockTimeoutError", "StatementTimeoutError"])

/** What a SQLSTATE says about retrying: `08` connection lost, `57P0x` server shutting down or starting. */
const reasonOfState = (state: string): JournalError["reason"] | undefined => {
  if (state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03") return "Io"
  if (state === "53100") return "Full"
  if (state.startsWith("53") || state.startsWith("40") || state === "55P03" || state === "57014") return "Busy"
  if (state.startsWith("23")) return "Corrupt"
  return undefined
}

const stateOf = (cause: unknown): { readonly state: string | undefined; readonly text: string | undefined } => {
  if (typeof cause !== "object" || cause === null) return { state: undefined, text: undefined }
  const code = (cause as { code?: unknown }).code
  const text = (cause as { message?: unknown }).message
  return {
    state: typeof code === "string" ? code : undefined,
    text: typeof text === "string" ? text : undefined
  }
}

/**
 * Turns an `SqlError` into a `JournalError`. An unreachable server (refused, reset or closed connection,
 * a server shutting down or still starting) is `Io` and contention is `Busy`: transient, so the runtime
 * retries appends and its health reports the outage; a full disk is `Full`. A violated constraint is
 * `Corrupt`; refused credentials, syntax and anything else `Unavailable`. The detail never carries
 * connection settings (a password stays out of logs and audit).
 */
export const fromSqlError = (error: SqlError, doing: string): JournalError => {
  const cause = error.cause
  const tag = cause._tag
  const { state, text } = stateOf(cause.cause)
  const reason: JournalError["reason"] =
    (state === undefined ? undefined : reasonOfState(state)) ??
    (tag === "ConnectionError"
      ? "Io"
      : busyReasons.has(tag)
        ? "Busy"
        : tag === "UniqueViolation" || tag === "ConstraintError"
          ? "Corrupt"
          : "Unavailable")
  const what = reason === "Io" ? "PostgreSQL is unreachable" : tag
  const server = text === undefined || state === undefined ? "" : ` (${state}: ${text})`
  return new JournalError({ reason, detail: `${doing}: ${what}: ${cause.message ?? error.message}${server}` })
}
