import { describe } from "vitest"
import { betterSqlite3Driver } from "../../src/internal/driver/betterSqlite3Driver.js"
import { nodeSqliteDriver } from "../../src/internal/driver/nodeSqliteDriver.js"
import type { SqliteConnection, SqliteOpenOptions } from "../../src/internal/driver/SqliteConnection.js"

/** A SQLite driver the store's tests run against, with raw connections on it for editing files. */
export interface DriverUnderTest {
  readonly name: "better-sqlite3" | "node:sqlite"
  /** Why this Node cannot run it; its tests are then skipped with this reason in their title. */
  readonly skip: string | undefined
  /**
   * A raw connection on the same driver, as an operator (or a bug) would open one. Same driver as the
   * store under test: two SQLite libraries in one process do not see each other's locks.
   */
  readonly open: (filename: string, options?: SqliteOpenOptions) => SqliteConnection
  /** Runs `use` on a raw connection to the file (see `open`), closing it after. */
  readonly raw: <A>(filename: string, use: (db: SqliteConnection) => A) => A
}

const underTest = (
  name: DriverUnderTest["name"],
  load: () => ReturnType<typeof betterSqlite3Driver>
): DriverUnderTest => {
  const driver = load()
  const open: DriverUnderTest["open"] =
    typeof driver === "string"
      ? () => {
          throw new Error(driver)
        }
      : (filename, options) => driver.open(filename, options)
  const raw = <A>(filename: string, use: (db: SqliteConnection) => A): A => {
    const db = open(filename)
    try {
      return use(db)
    } finally {
      db.close()
    }
  }
  return { name, skip: typeof driver === "string" ? driver : undefined, open, raw }
}

/** Both drivers: on Node 20 node:sqlite is skipped; on a Node better-sqlite3 was not built for, better-sqlite3. */
export const driversUnderTest: ReadonlyArray<DriverUnderTest> = [
  underTest("better-sqlite3", betterSqlite3Driver),
  underTest("node:sqlite", nodeSqliteDriver)
]

/**
 * Registers `suite` once per driver, as `<title> [driver]`; a driver this Node lacks is registered skipped,
 * its reason in the title, so the run shows what was not tested.
 */
export const describeEachDriver = (title: string, suite: (driver: DriverUnderTest) => void): void => {
  for (const driver of driversUnderTest) {
    if (driver.skip === undefined) describe(`${title} [${driver.name}]`, () => suite(driver))
    else describe.skip(`${title} [${driver.name}] (skipped: ${driver.skip})`, () => suite(driver))
  }
}
