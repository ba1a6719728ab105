/**
 * `@coderclaw/store-sqlite`: the embedded durable `Journal` of the coderClaw runtime. One SQLite file
 * (better-sqlite3) in WAL mode, concurrent appends committed together (group commit), versioned schema
 * migrations, and an integrity check at open.
 *
 * @packageDocumentation
 */

export type { SqliteJournalOptions, SqliteJournalShape, SqliteJournalStats } from "./SqliteJournal.js"
export * as SqliteJournal from "./SqliteJournal.js"
