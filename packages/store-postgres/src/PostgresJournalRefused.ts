import { Schema } from "effect"

/**
 * Why a PostgreSQL journal was not opened although the server was reachable:
 * - `Locked`: another journal (in this or another process, on any machine) owns the schema. Only one
 *   runtime may own a journal: two would both recover and run the same tasks. `holder` names it as
 *   PostgreSQL sees it (its `application_name`, which carries the process id and host, and its address).
 *   The ownership is an advisory lock held by a session of the holder, so it disappears with that
 *   session, even after `kill -9` of the holder.
 */
export class PostgresJournalRefused extends Schema.TaggedError<PostgresJournalRefused>()("PostgresJournalRefused", {
  reason: Schema.Literals(["Locked"]),
  schema: Schema.String,
  detail: Schema.String,
  holder: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    return `Journal in PostgreSQL schema "${this.schema}" refused (${this.reason}): ${this.detail}`
  }
}
