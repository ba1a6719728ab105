import { createRequire } from "node:module"
import type BetterSqlite3 from "better-sqlite3"
import type { SqliteConnection, SqliteDriver, SqliteOpenOptions } from "./SqliteConnection.js"

let loaded: SqliteDriver | string | undefined

/**
 * The better-sqlite3 driver, or why it does not load here. better-sqlite3 is a native module built for one
 * Node ABI: under another Node (e.g. an install made with Node 20, run with Node 24) its binding fails to
 * load. It is required lazily, and probed with an in-memory database (the binding loads on first open),
 * so that failure is a reason to report or to fall back on, never a crash at import. Remembered.
 */
export const betterSqlite3Driver = (): SqliteDriver | string => {
  if (loaded !== undefined) return loaded
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3
    new Database(":memory:").close()
    loaded = {
      name: "better-sqlite3",
      // better-sqlite3's Database is the API the connection interface was cut from.
      open: (filename: string, options: SqliteOpenOptions = {}): SqliteConnection =>
        new Database(filename, options) as unknown as SqliteConnection
    }
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim()
    loaded = `better-sqlite3 does not load on Node ${process.version} (${message})`
  }
  return loaded
}
