import { JournalError } from "@coderclaw/runtime"
import { Effect } from "effect"
import { fromSqliteError } from "./fromSqliteError.js"

/**
 * Runs synchronous database work as an Effect. Work reports refusals by returning a `JournalError`;
 * anything it throws (better-sqlite3 throws on every SQLite error) becomes a `JournalError` too.
 */
export const attempt = <A>(doing: string, work: () => A | JournalError): Effect.Effect<A, JournalError> =>
  Effect.flatMap(Effect.try({ try: work, catch: (error) => fromSqliteError(error, doing) }), (result) =>
    result instanceof JournalError ? Effect.fail(result) : Effect.succeed(result)
  )
