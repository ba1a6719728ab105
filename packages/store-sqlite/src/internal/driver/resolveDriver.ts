import { betterSqlite3Driver } from "./betterSqlite3Driver.js"
import { nodeSqliteDriver } from "./nodeSqliteDriver.js"
import type { SqliteDriver } from "./SqliteConnection.js"

/**
 * Which SQLite implementation a store runs on: `"better-sqlite3"` (the native module), `"node:sqlite"`
 * (built into Node 24), or `"auto"`: better-sqlite3 when it loads, else node:sqlite when this Node has it.
 */
export type SqliteDriverChoice = "better-sqlite3" | "node:sqlite" | "auto"

/** The choices, for validating options. */
export const sqliteDriverChoices: ReadonlyArray<SqliteDriverChoice> = ["better-sqlite3", "node:sqlite", "auto"]

/** The driver asked for is not usable on this Node; `detail` says why, for each driver that was considered. */
export class SqliteDriverUnavailable {
  readonly _tag = "SqliteDriverUnavailable"
  constructor(
    readonly requested: SqliteDriverChoice,
    readonly detail: string
  ) {}
}

/** The driver for `choice`, or why none is usable. */
export const resolveDriver = (choice: SqliteDriverChoice): SqliteDriver | SqliteDriverUnavailable => {
  if (choice === "better-sqlite3" || choice === "node:sqlite") {
    const driver = choice === "better-sqlite3" ? betterSqlite3Driver() : nodeSqliteDriver()
    return typeof driver === "string" ? new SqliteDriverUnavailable(choice, `driver "${choice}": ${driver}`) : driver
  }
  const native = betterSqlite3Driver()
  if (typeof native !== "string") return native
  const builtIn = nodeSqliteDriver()
  if (typeof builtIn !== "string") return builtIn
  return new SqliteDriverUnavailable(
    choice,
    `no SQLite driver is usable: ${native}; ${builtIn}. Reinstall with this Node (pnpm install / npm rebuild ` +
      "better-sqlite3) or run on Node 24, whose built-in node:sqlite needs no native module"
  )
}
