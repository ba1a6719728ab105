import { JournalError } from "@coderclaw/runtime"

// SQLite's own verdict that the file is damaged or is not a database at all. These are decided by the
// machine-readable error code, never by the message text.
const corruptionCodes = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB"])

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

/**
 * Turns anything better-sqlite3 throws into a `JournalError`, so callers never see a defect. Storage that
 * cannot be reached or written (busy, disk full, I/O error, closed connection) is `Unavailable`; SQLite's
 * corruption codes (`SQLITE_CORRUPT*`, `SQLITE_NOTADB`) are `Corrupt`, because retrying will not help
 * and the operator has to restore the file.
 */
export const fromSqliteError = (error: unknown, doing: string): JournalError => {
  if (error instanceof JournalError) return error
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  const corrupt = code !== undefined && [...corruptionCodes].some((known) => code.startsWith(known))
  return new JournalError({
    reason: corrupt ? "Corrupt" : "Unavailable",
    detail: `${doing}: ${code === undefined ? message : `${code}: ${message}`}`
  })
}
