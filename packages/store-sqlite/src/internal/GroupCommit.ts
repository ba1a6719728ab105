import { JournalError } from "@coderclaw/runtime"
import { Effect } from "effect"
import type { SqliteConnection } from "./driver/SqliteConnection.js"
import { fromSqliteError } from "./fromSqliteError.js"
import type { GroupCommitStats } from "./GroupCommitStats.js"

/** Which kind of write a request is, for the statistics. */
export type WriteKind = "append" | "checkpoint" | "claim"

/** The acknowledgement to send once the batch holding a write has committed. */
type Acknowledge = () => void

interface WriteRequest {
  readonly kind: WriteKind
  /** How many events the write stores, towards the batch size cap (a checkpoint counts as one). */
  readonly size: number
  /** Does the write inside the batch's transaction; returns its refusal, or how to acknowledge it. */
  readonly write: () => JournalError | Acknowledge
  /** Fails the caller: its write is not (or no longer) part of any committed transaction. */
  readonly fail: (error: JournalError) => void
}

/** Queues writes from many fibers and commits them together, each with its own outcome. */
export interface GroupCommit {
  /**
   * Queues a write and waits until the transaction holding it has committed. `apply` runs inside that
   * transaction, in its own savepoint: returning a `JournalError` (or throwing) undoes only this write.
   * Interrupting the caller before its batch starts removes the write from the queue: it is never stored.
   */
  submit<A>(kind: WriteKind, size: number, apply: () => A | JournalError): Effect.Effect<A, JournalError>
  /** A snapshot of the counters. */
  stats(): GroupCommitStats
  /** Commits what is queued, then refuses new writes. Run before the connection closes. */
  close(): void
}

/** Carries a refusal out of a savepoint so better-sqlite3 rolls the savepoint back. */
class Refusal {
  constructor(readonly error: JournalError) {}
}

/**
 * The group committer: the first queued write schedules a flush on the next macrotask (`setImmediate`),
 * so every write requested by fibers running now joins the same transaction. A flush takes queued writes
 * up to `maxBatchEvents` events into one `BEGIN IMMEDIATE` transaction, runs each in a savepoint, commits
 * once, then acknowledges each caller with its own result; what remains is flushed on the next macrotask.
 *
 * A refused write (a `Conflict`, a lifecycle violation) rolls back its own savepoint only: the other
 * writes of the batch commit. If the transaction itself fails (disk full, I/O error), every write of the
 * batch fails with `Unavailable` and none is stored.
 */
export const makeGroupCommit = (
  db: SqliteConnection,
  options: {
    readonly maxBatchEvents: number
    /** Runs after each committed transaction, before any of its writes is acknowledged. */
    readonly afterCommit?: () => void
  }
): GroupCommit => {
  const queue: Array<WriteRequest> = []
  let scheduled: NodeJS.Immediate | undefined
  let closed = false
  const counters = { commits: 0, appends: 0, appendedEvents: 0, checkpoints: 0, failed: 0 }

  const inSavepoint = db.transaction((request: WriteRequest): Acknowledge => {
    const outcome = request.write()
    if (outcome instanceof JournalError) throw new Refusal(outcome)
    return outcome
  })

  const runOne = (request: WriteRequest): JournalError | Acknowledge => {
    try {
      return inSavepoint(request)
    } catch (error) {
      if (error instanceof Refusal) return error.error
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction. Continuing would run the
      // next writes outside it and acknowledge writes that were undone: fail the whole batch instead.
      if (!db.inTransaction) throw error
      return fromSqliteError(error, "storing a write")
    }
  }

  const commitBatch = db.transaction((batch: ReadonlyArray<WriteRequest>) =>
    batch.map((request) => ({ request, outcome: runOne(request) }))
  )

  const takeBatch = (): Array<WriteRequest> => {
    let count = 0
    let size = 0
    for (const request of queue) {
      if (count > 0 && size + request.size > options.maxBatchEvents) break
      count++
      size += request.size
    }
    return queue.splice(0, count)
  }

  const flush = (): void => {
    scheduled = undefined
    const batch = takeBatch()
    if (batch.length === 0) return
    let outcomes: ReadonlyArray<{ readonly request: WriteRequest; readonly outcome: JournalError | Acknowledge }>
    try {
      outcomes = commitBatch.immediate(batch)
    } catch (error) {
      const failure = fromSqliteError(error, "committing a batch of writes")
      counters.failed += batch.length
      for (const request of batch) request.fail(failure)
      schedule()
      return
    }
    counters.commits++
    options.afterCommit?.()
    for (const { request, outcome } of outcomes) {
      if (typeof outcome === "function") {
        if (request.kind === "append") {
          counters.appends++
          counters.appendedEvents += request.size
        } else if (request.kind === "checkpoint") {
          counters.checkpoints++
        }
        outcome()
      } else {
        counters.failed++
        request.fail(outcome)
      }
    }
    schedule()
  }

  const schedule = (): void => {
    if (scheduled === undefined && queue.length > 0 && !closed) scheduled = setImmediate(flush)
  }

  const closedError = () => new JournalError({ reason: "Unavailable", detail: "the journal is closed" })

  return {
    submit: <A>(kind: WriteKind, size: number, apply: () => A | JournalError) =>
      Effect.callback<A, JournalError>((resume) => {
        if (closed) return resume(Effect.fail(closedError()))
        const request: WriteRequest = {
          kind,
          size: Math.max(1, size),
          write: () => {
            const result = apply()
            return result instanceof JournalError ? result : () => resume(Effect.succeed(result))
          },
          fail: (error) => resume(Effect.fail(error))
        }
        queue.push(request)
        schedule()
        return Effect.sync(() => {
          const index = queue.indexOf(request)
          if (index >= 0) queue.splice(index, 1)
        })
      }),
    stats: () => ({ ...counters }),
    close: () => {
      // Closed first, so flushing neither schedules another macrotask nor accepts new writes.
      closed = true
      if (scheduled !== undefined) clearImmediate(scheduled)
      while (queue.length > 0) flush()
    }
  }
}
