/**
 * `@coderclaw/store-postgres`: the coderClaw runtime's `Journal` on a PostgreSQL server (through
 * `@effect/sql-pg`): group commit, positions that followers read in order without a hole, a live tail over
 * `LISTEN/NOTIFY` with polling as a safety net, per-row checksums, versioned schema migrations and one
 * owner per journal. The PostgreSQL stores of `@coderclaw/security` are at
 * `@coderclaw/store-postgres/security`.
 *
 * @packageDocumentation
 */

export type { PostgresConnectionOptions } from "./internal/connection.js"
export type { PostgresJournalOptions, PostgresJournalShape, PostgresJournalStats } from "./PostgresJournal.js"
export * as PostgresJournal from "./PostgresJournal.js"
/** Why a journal was not opened: another journal owns its schema (`Locked`), naming the holder. */
export { PostgresJournalRefused } from "./PostgresJournalRefused.js"
