import { JournalError } from "@coderclaw/runtime"
import { Effect, Exit, Scope } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { PostgresJournalRefused } from "../PostgresJournalRefused.js"
import { fromSqlError } from "./fromSqlError.js"

/** The journal's ownership: a session-level advisory lock held on a connection of its own. */
export interface JournalLock {
  /** The backend pid of the session holding the lock, for the in-transaction ownership check. */
  readonly pid: () => number
  /**
   * Takes the lock again on a new connection after the previous one was lost (a server restart ends
   * every session, and with it the lock). Fails `Unavailable` naming the holder when another journal took
   * the schema in between: this one must not write any more.
   */
  readonly retake: Effect.Effect<void, JournalError>
}

const holderOf = (sql: SqlClient, key: readonly [number, number]) =>
  sql<{ readonly holder: string | null }>`
    SELECT a.application_name || ' (backend pid ' || a.pid || coalesce(', from ' || host(a.client_addr), '') || ')'
      AS holder
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.classid = ${key[0]}::oid AND l.objid = ${key[1] >>> 0}::oid
      AND l.objsubid = 2 AND l.granted`.pipe(Effect.map((rows) => rows[0]?.holder ?? undefined))

type Taken = { readonly taken: true; readonly pid: number; readonly scope: Scope.Closeable }
type Refused = { readonly taken: false; readonly holder: string | undefined }

/** Reserves a connection and takes the lock on it, or says who holds it. */
const tryTake = (sql: SqlClient, key: readonly [number, number], scope: Scope.Closeable) =>
  Effect.gen(function* () {
    const child = yield* Scope.fork(scope)
    const connection: Connection = yield* Scope.provide(sql.reserve, child)
    const rows = yield* connection.executeValues("SELECT pg_try_advisory_lock($1, $2), pg_backend_pid()", [
      key[0],
      key[1]
    ])
    const [taken, pid] = rows[0] ?? [false, 0]
    if (taken === true) return { taken: true, pid: Number(pid), scope: child } as Taken
    yield* Scope.close(child, Exit.void)
    return { taken: false, holder: yield* holderOf(sql, key) } as Refused
  })

/**
 * Takes the journal's ownership before anything else is read, so a second opener never recovers (and
 * re-runs) the holder's tasks. The lock connection lives until `scope` closes.
 */
export const acquireJournalLock = (
  sql: SqlClient,
  schema: string,
  key: readonly [number, number]
): Effect.Effect<JournalLock, JournalError | PostgresJournalRefused, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const refuse = (holder: string | undefined) =>
      new PostgresJournalRefused({
        reason: "Locked",
        schema,
        detail:
          holder === undefined
            ? "another journal owns this schema"
            : `another journal owns this schema: ${holder}. Stop it, or open another schema`,
        ...(holder === undefined ? {} : { holder })
      })
    const first = yield* tryTake(sql, key, scope as Scope.Closeable).pipe(
      Effect.catchTag("SqlError", (error) => Effect.fail(fromSqlError(error, "taking the journal's ownership")))
    )
    if (!first.taken) return yield* refuse(first.holder)
    let current: Taken = first
    const retake = Effect.gen(function* () {
      yield* Scope.close(current.scope, Exit.void)
      const next = yield* tryTake(sql, key, scope as Scope.Closeable)
      if (!next.taken) {
        return yield* new JournalError({ reason: "Unavailable", detail: refuse(next.holder).message })
      }
      current = next
    }).pipe(
      Effect.catchTag("SqlError", (error) => Effect.fail(fromSqlError(error, "taking the journal's ownership back")))
    )
    return { pid: () => current.pid, retake }
  })
