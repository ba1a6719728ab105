/**
 * `@coderclaw/store-sqlite`: the embedded durable `Journal` of the coderClaw runtime. One SQLite file
 * (better-sqlite3, or Node's built-in `node:sqlite`) in WAL mode, concurrent appends committed together (group commit), versioned schema
 * migrations, and an integrity check at open. The SQLite stores of `@coderclaw/security` are at
 * `@coderclaw/store-sqlite/security`; they can share the journal's file so the whole runtime state is one
 * file.
 *
 * @packageDocumentation
 */

/** Which SQLite implementation a store runs on: `"better-sqlite3"`, `"node:sqlite"` or `"auto"` (the default). */
export type { SqliteDriverChoice } from "./internal/driver/resolveDriver.js"
export type {
  SqliteJournalCheck,
  SqliteJournalOptions,
  SqliteJournalShape,
  SqliteJournalStats
} from "./SqliteJournal.js"
export * as SqliteJournal from "./SqliteJournal.js"
/** Why a journal file was not opened: another journal owns it (`Locked`), or acknowledged events are missing (`DataLost`). */
export { JournalHolder, SqliteJournalRefused } from "./SqliteJournalRefused.js"
