import { type TaskEventEnvelope, Unavailable } from "@coderclaw/protocol"
import { Duration, Effect, Metric, Result } from "effect"
import type { EventHub } from "../events/EventHub.js"
import type { JournalShape, PendingEvent } from "../journal/Journal.js"
import type { JournalError } from "../journal/JournalError.js"
import { RuntimeMetrics } from "../observability/RuntimeMetrics.js"
import { spanNames } from "../observability/taskSpans.js"
import type { RetryPolicy } from "../RuntimeOptions.js"

/** How long a write may wait for the journal: for ever (the runtime's own steps) or a bounded time (a caller's). */
export type Patience = "until-stored" | { readonly waitMs: number }

/** What the supervisor writes and reads the journal through while it may be failing. */
export interface JournalWriter {
  /**
   * Appends and then publishes, each attempt one step that cannot be cut in half by interruption. A
   * transient failure (`Full`, `Busy`, `Io`) is retried with back-off: for ever for the runtime's own steps,
   * up to `waitMs` for a caller's, which then gets a retryable `Unavailable`. Other failures are not retried.
   * Between attempts the fiber is interruptible: nothing of the batch was stored.
   */
  append(
    pending: ReadonlyArray<PendingEvent>,
    patience: Patience
  ): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, Unavailable>
  /**
   * Runs a journal read or write (a checkpoint, a record, a claim), retrying transient failures for ever or
   * for a caller's bounded wait; its failures and its recovery count towards `failing` like an append's.
   */
  persist<A>(operation: Effect.Effect<A, JournalError>, patience?: Patience): Effect.Effect<A, JournalError>
  /** Why the last write failed, while none has succeeded since; `undefined` when writes succeed. */
  readonly failing: () => string | undefined
}

/**
 * The journal writer of one runtime. The failing state is set by real append failures and cleared by the
 * next real success: a health probe that writes one row may still fit on a disk that refuses a batch.
 */
export const makeJournalWriter = (journal: JournalShape, hub: EventHub, policy: RetryPolicy): JournalWriter => {
  let failing: string | undefined
  let outageLogged = false

  // The fast path is the append and one `tap`: the retry loop below is entered only after a failure.
  const publish = (stored: ReadonlyArray<TaskEventEnvelope>) => Effect.sync(() => hub.publish(stored))
  const publishAfterOutage = (stored: ReadonlyArray<TaskEventEnvelope>) =>
    Effect.suspend(() => {
      failing = undefined
      hub.publish(stored)
      if (!outageLogged) return Effect.void
      outageLogged = false
      return Effect.logInfo("journal: appends succeed again")
    })

  // The fast path is the append and one `tap`: the retry loop below is entered only after a failure.
  const appendOnce = (pending: ReadonlyArray<PendingEvent>) =>
    Effect.uninterruptible(
      Effect.tap(journal.append(pending), (stored) =>
        failing === undefined ? publish(stored) : publishAfterOutage(stored)
      )
    )

  const noteFailure = (error: JournalError) =>
    Effect.suspend(() => {
      failing = error.message
      if (outageLogged) return Effect.void
      outageLogged = true
      return Effect.logWarning(
        `journal: an append failed (${error.message}); ${error.transient ? "retrying with back-off" : "not retried"}`
      )
    })

  /** Retries `operation` while it fails transiently, waiting longer each time; gives up after `waitMs`. */
  const retry = Effect.fnUntraced(function* <A>(
    operation: Effect.Effect<A, JournalError>,
    first: JournalError,
    waitMs: number | undefined,
    onFailure: (error: JournalError) => Effect.Effect<void>
  ) {
    let error = first
    let delay = policy.initialDelayMs
    let waited = 0
    for (;;) {
      yield* onFailure(error)
      if (!error.transient || (waitMs !== undefined && waited >= waitMs)) return yield* Effect.fail(error)
      const pause = waitMs === undefined ? delay : Math.min(delay, waitMs - waited)
      // Interruptible even inside the caller's uninterruptible step: nothing of this write is stored yet.
      yield* Effect.interruptible(Effect.sleep(pause))
      waited += pause
      delay = Math.min(policy.maxDelayMs, Math.max(1, delay * policy.factor))
      const result = yield* Effect.result(operation)
      if (Result.isSuccess(result)) return result.success
      error = result.failure
    }
  })

  const toUnavailable = (error: JournalError) =>
    new Unavailable({
      reason: error.transient ? `${error.message}; the write was not stored, retry later` : error.message
    })

  return {
    append: (pending, patience) =>
      Effect.catch(appendOnce(pending), (error) =>
        Effect.mapError(
          retry(appendOnce(pending), error, patience === "until-stored" ? undefined : patience.waitMs, noteFailure),
          toUnavailable
        )
      ).pipe(
        Effect.timed,
        Effect.tap(([took]) => Metric.update(RuntimeMetrics.journalAppendDuration, Duration.toSeconds(took))),
        Effect.map(([, stored]) => stored),
        Effect.withSpan(spanNames.journalAppend, { attributes: { "coderclaw.events": pending.length } })
      ),
    persist: (operation, patience = "until-stored") =>
      Effect.catch(operation, (error) =>
        Effect.tap(
          retry(operation, error, patience === "until-stored" ? undefined : patience.waitMs, noteFailure),
          () =>
            Effect.sync(() => {
              failing = undefined
            })
        )
      ),
    failing: () => failing
  }
}
