import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { registerChecksums } from "./checksum.js"
import { DatabaseRefused } from "./DatabaseRefused.js"
import { resolveDriver, type SqliteDriverChoice, SqliteDriverUnavailable } from "./driver/resolveDriver.js"
import type { SqliteConnection, SqliteDriver } from "./driver/SqliteConnection.js"

/** The connection settings `openDatabase` applies. */
export interface ConnectionSettings {
  readonly filename: string
  readonly synchronous: "full" | "normal"
  readonly busyTimeoutMs: number
  /** Which SQLite implementation to open it with (see `resolveDriver`). */
  readonly driver: SqliteDriverChoice
}

const configure = (db: SqliteConnection, settings: ConnectionSettings): DatabaseRefused | undefined => {
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

/** The driver `choice` names, or `DatabaseRefused` saying why no driver works on this Node. */
export const driverFor = (choice: SqliteDriverChoice): SqliteDriver | DatabaseRefused => {
  const driver = resolveDriver(choice)
  return driver instanceof SqliteDriverUnavailable ? new DatabaseRefused(driver.detail) : driver
}

/**
 * Opens (creating when missing, with its folder) the database file and applies the PRAGMAs both stores
 * rely on. Throws what the driver throws; returns `DatabaseRefused` for a connection it refuses to use, or
 * when the chosen driver does not work on this Node. The connection is closed again whenever it is not
 * returned.
 */
export const openDatabase = (settings: ConnectionSettings): SqliteConnection | DatabaseRefused => {
  const driver = driverFor(settings.driver)
  if (driver instanceof DatabaseRefused) return driver
  mkdirSync(dirname(settings.filename), { recursive: true })
  const db = driver.open(settings.filename, { timeout: settings.busyTimeoutMs })
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
