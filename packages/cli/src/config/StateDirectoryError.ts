import { Schema } from "effect"

/**
 * Why the server's state directory cannot be used:
 * - `legacy-database`: no database in the state directory, but an earlier version's database sits inside
 *   the repository (`.coderclaw/coderclaw.db`); it is not moved silently while a server may hold it.
 */
export const StateDirectoryErrorReason = Schema.Literals(["LegacyDatabase"])
export type StateDirectoryErrorReason = typeof StateDirectoryErrorReason.Type

/** The server's state directory cannot be used; `message` says what to do. */
export class StateDirectoryError extends Schema.TaggedError<StateDirectoryError>()("StateDirectoryError", {
  reason: StateDirectoryErrorReason,
  message: Schema.String,
  /** The directory the state belongs in. */
  dataDir: Schema.String
}) {}
