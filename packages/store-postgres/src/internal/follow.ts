import type { TaskEventEnvelope } from "@coderclaw/protocol"
import type { JournalError } from "@coderclaw/runtime"
import type { PgClient } from "@effect/sql-pg"
import { Effect, Queue, Ref, Stream } from "effect"

/**
 * A live tail of the journal from any connection: reads what committed after the cursor, then waits for
 * a notification (sent by every committing writer) or the poll interval, whichever comes first. The
 * notification only wakes the reader; what it reads is decided by the cursor, so a lost or merged
 * notification costs at most one poll interval, never an event. Because writers commit one at a time in
 * position order, a committed page never has a hole that a later commit fills.
 *
 * The listening connection is re-established after it fails; meanwhile (and while the server is down)
 * polling goes on, read errors are waited out.
 */
export const follow = (
  options: {
    readonly sql: PgClient.PgClient
    readonly channel: string
    readonly pollIntervalMs: number
    readonly read: (afterPosition: number) => Effect.Effect<ReadonlyArray<TaskEventEnvelope>, JournalError>
  },
  afterPosition: number
): Stream.Stream<TaskEventEnvelope, JournalError> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const scope = yield* Effect.scope
      const cursor = yield* Ref.make(Math.max(0, afterPosition))
      const wake = yield* Queue.sliding<void>(1)
      // Keeps one LISTEN alive: forwards notifications to `wake`, listens again after a failure.
      const listener = Effect.gen(function* () {
        const notifications = yield* options.sql.listen(options.channel)
        yield* Queue.offer(wake, undefined)
        for (;;) {
          yield* Queue.take(notifications)
          yield* Queue.offer(wake, undefined)
        }
      }).pipe(
        Effect.scoped,
        Effect.catch(() => Effect.sleep(options.pollIntervalMs)),
        Effect.forever
      )
      yield* Effect.forkIn(listener, scope)
      const waitForNews = Effect.race(Queue.take(wake), Effect.sleep(options.pollIntervalMs))
      const nextPage = Effect.gen(function* () {
        for (;;) {
          const after = yield* Ref.get(cursor)
          const page = yield* options.read(after).pipe(Effect.orElseSucceed(() => undefined))
          if (page !== undefined && page.length > 0) {
            yield* Ref.set(cursor, page.at(-1)?.position ?? after)
            return page
          }
          yield* waitForNews
        }
      })
      return Stream.flattenIterable(Stream.fromEffectRepeat(nextPage))
    })
  ) as Stream.Stream<TaskEventEnvelope, JournalError>
