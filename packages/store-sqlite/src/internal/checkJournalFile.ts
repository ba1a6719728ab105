import { hostname } from "node:os"
import type { DamagedTask } from "@coderclaw/runtime"
import type { JournalHolder } from "../SqliteJournalRefused.js"
import { registerChecksums } from "./checksum.js"
import type { SqliteDriver } from "./driver/SqliteConnection.js"
import { readHolder } from "./JournalLock.js"
import { schemaVersion } from "./migrate.js"
import { readMark } from "./PositionMark.js"
import { scanDamage } from "./scanDamage.js"

/** What `SqliteJournal.check` found in a journal file. */
export interface JournalFileCheck {
  readonly filename: string
  /** SQLite's `quick_check` complaints about the file's structure (pages, indexes); empty when sound. */
  readonly structure: ReadonlyArray<string>
  /** Tasks whose rows fail their checksum or whose events do not run 1…lastSeq. */
  readonly damaged: ReadonlyArray<DamagedTask>
  /** The position the high-water mark records (`undefined` without a readable mark) and the database's last. */
  readonly positions: { readonly acknowledged: number | undefined; readonly stored: number }
  /** Who owns the journal, per its owner file, and whether that process still runs (known on its own host). */
  readonly holder: (JournalHolder & { readonly running: boolean | undefined }) | undefined
}

const running = (holder: JournalHolder): boolean | undefined => {
  if (holder.host !== hostname()) return undefined
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return typeof error === "object" && error !== null && "code" in error && error.code === "EPERM"
  }
}

/**
 * Reads a journal file without owning it (a read-only connection, no lock taken), so it can run beside
 * the server using it, and reports every finding at once instead of failing on the first. Throws what
 * the driver throws (file missing, not a database), or an `Error` for a schema this release does not
 * check.
 */
export const checkJournalFile = (driver: SqliteDriver, filename: string): JournalFileCheck => {
  const db = driver.open(filename, { readonly: true, fileMustExist: true })
  try {
    registerChecksums(db)
    const version = db.prepare<[], number>("SELECT coalesce(max(version), 0) FROM schema_migrations").pluck().get() ?? 0
    if (version !== schemaVersion) {
      throw new Error(
        `${filename} has journal schema version ${version}, this release checks version ${schemaVersion}: ` +
          (version < schemaVersion ? "open it once with the server to migrate it" : "use a newer release")
      )
    }
    return db
      .transaction((): JournalFileCheck => {
        const structure = (db.pragma("quick_check") as ReadonlyArray<Record<string, unknown>>)
          .map((row) => String(Object.values(row)[0]))
          .filter((message) => message !== "ok")
        const damaged = structure.length === 0 ? scanDamage(db) : []
        const stored = db.prepare<[], number>("SELECT coalesce(max(position), 0) FROM events").pluck().get() ?? 0
        const mark = readMark(filename)
        const holder = readHolder(filename)
        return {
          filename,
          structure,
          damaged,
          positions: { acknowledged: mark._tag === "Position" ? mark.position : undefined, stored },
          holder: holder === undefined ? undefined : { ...holder, running: running(holder) }
        }
      })
      .deferred()
  } finally {
    db.close()
  }
}
