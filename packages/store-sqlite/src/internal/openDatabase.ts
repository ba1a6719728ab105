import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { registerChecksums } from "./checksum.js"
import { DatabaseRefused } from "./DatabaseRefused.js"

/** The connection settings `openDatabase` applies. */
export interface ConnectionSettings {
  readonly filename: string
  readonly synchronous: "full" | "normal"
  readonly busyTimeoutMs: number
}

const configure = (db: Database.Database, settings: ConnectionSettings): DatabaseRefused | undefined => {
  // WAL lets readers run while a commit is written and turns each commit into one sequential append.
  // A file that cannot switch (e.g. on a filesystem without shared memory) would silently keep the
  // rollback journal, with other durability and locking behaviour: refuse it instead.
  const mode = db.pragma("journal_mode = WAL", { simple: true })
  if (mode !== "wal") {
    return new DatabaseRefused(
      `${settings.filename}: SQLite refused write-ahead logging (journal_mode is '${String(mode)}')`
    )
  }
  db.pragma(`synchronous = ${settings.synchronous === "full" ? "FULL" : "NORMAL"}`)
  db.pragma("foreign_keys = ON")
  db.pragma(`busy_timeout = ${settings.busyTimeoutMs}`)
  registerChecksums(db)
  return undefined
}

/**
 * Opens (creating when missing, with its folder) the database file and applies the PRAGMAs both stores
 * rely on. Throws what better-sqlite3 throws; returns `DatabaseRefused` for a connection it refuses to use.
 * The connection is closed again whenever it is not returned.
 */
export const openDatabase = (settings: ConnectionSettings): Database.Database | DatabaseRefused => {
  mkdirSync(dirname(settings.filename), { recursive: true })
  const db = new Database(settings.filename, { timeout: settings.busyTimeoutMs })
  let refused: DatabaseRefused | undefined
  try {
    refused = configure(db, settings)
  } catch (error) {
    db.close()
    throw error
  }
  if (refused !== undefined) db.close()
  return refused ?? db
}
