import { Effect, Exit, Option } from "effect"
import { SqliteJournal, SqliteJournalRefused } from "../../src/index.js"
import type { DriverUnderTest } from "./drivers.js"

/** Opens a journal on `driver` expecting a refusal (`Locked`, `DataLost`), and returns it. */
export const journalRefusal = async (filename: string, driver: DriverUnderTest): Promise<SqliteJournalRefused> => {
  const exit = await Effect.runPromiseExit(Effect.scoped(SqliteJournal.make({ filename, driver: driver.name })))
  if (Exit.isSuccess(exit)) throw new Error(`expected ${filename} to be refused`)
  const error = Option.getOrThrow(Exit.findErrorOption(exit))
  if (!(error instanceof SqliteJournalRefused)) throw new Error(`expected a refusal, got ${String(error)}`)
  return error
}
