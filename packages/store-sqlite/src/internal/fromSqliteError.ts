import { JournalError } from "@coderclaw/runtime"

// SQLite's own verdict that the file is damaged or is not a database at all. These are decided by the
// machine-readable error code, never by the message text.
const corruptionCodes = ["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CONSTRAINT"]
// Failures that may pass if the same write is tried again: no room, another writer's lock, an I/O error.
const transientCodes: ReadonlyArray<readonly [string, JournalError["reason"]]> = [
  ["SQLITE_FULL", "Full"],
  ["SQLITE_IOERR_NOSPC", "Full"],
  ["SQLITE_BUSY", "Busy"],
  ["SQLITE_LOCKED", "Busy"],
  ["SQLITE_IOERR", "Io"]
]

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

const reasonOf = (code: string | undefined): JournalError["reason"] => {
  if (code === undefined) return "Unavailable"
  if (corruptionCodes.some((known) => code.startsWith(known))) return "Corrupt"
  return transientCodes.find(([known]) => code.startsWith(known))?.[1] ?? "Unavailable"
}

/**
 * Turns anything better-sqlite3 throws into a `JournalError`, so callers never see a defect. A full disk
 * is `Full`, another connection's lock `Busy`, an I/O error `Io` (all transient: the runtime retries them);
 * SQLite's corruption and constraint codes are `Corrupt`, because retrying will not help; anything else
 * (closed connection, unknown failure) is `Unavailable`.
 */
export const fromSqliteError = (error: unknown, doing: string): JournalError => {
  if (error instanceof JournalError) return error
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  return new JournalError({
    reason: reasonOf(code),
    detail: `${doing}: ${code === undefined ? message : `${code}: ${message}`}`
  })
}
