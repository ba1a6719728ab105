import type { TaskEventEnvelope, TaskId, TaskRecord } from "@coderclaw/protocol"
import {
  type IdempotencyClaim,
  JournalError,
  type JournalQuarantine,
  JournalRows,
  type PendingEvent
} from "@coderclaw/runtime"
import { Deferred, Effect, Exit, Fiber, Queue, type Scope } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { claimIdempotencyKey } from "./claimIdempotencyKey.js"
import { fromSqlError } from "./fromSqlError.js"
import type { JournalLock } from "./JournalLock.js"
import { taskColumns, taskRow } from "./rows.js"
import { stageAppend } from "./stageAppend.js"

/** Counters of the group commit since the journal opened. */
export interface GroupCommitStats {
  /** Transactions committed. */
  readonly commits: number
  /** `append` calls stored, and the events they held. */
  readonly appends: number
  readonly appendedEvents: number
  readonly checkpoints: number
  /** Writes refused or failed. */
  readonly failed: number
}

type Write =
  | { readonly kind: "append"; readonly events: ReadonlyArray<PendingEvent> }
  | {
      readonly kind: "checkpoint"
      readonly taskId: string
      readonly row: JournalRows.CheckpointRow
      readonly now: number
    }
  | { readonly kind: "claim"; readonly claim: IdempotencyClaim; readonly now: number }

interface WriteRequest {
  readonly write: Write
  readonly size: number
  readonly resume: (exit: Exit.Exit<unknown, JournalError>) => void
}

/** The journal's writes, committed together: one transaction per batch of concurrent writes. */
export interface GroupCommit {
  append(events: ReadonlyArray<PendingEvent>): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, JournalError>
  saveCheckpoint(taskId: string, row: JournalRows.CheckpointRow, now: number): Effect.Effect<void, JournalError>
  claim(claim: IdempotencyClaim, now: number): Effect.Effect<IdempotencyClaim, JournalError>
  stats(): GroupCommitStats
}

/** The ownership check inside a transaction failed: the lock's session is gone (a server restart). */
class OwnershipLost {
  readonly _tag = "OwnershipLost"
}

/** `sql.insert` wants a non-empty tuple; the callers insert only when they have rows. */
type InsertRows = readonly [Record<string, unknown>, ...Array<Record<string, unknown>>]

const sizeOf = (write: Write): number => (write.kind === "append" ? Math.max(1, write.events.length) : 1)

/** Takes the queued writes for one transaction: at least one, then as many as fit in `maxEvents`. */
const takeBatch = (queue: Array<WriteRequest>, maxEvents: number): Array<WriteRequest> => {
  let count = 0
  let size = 0
  for (const request of queue) {
    if (count > 0 && size + request.size > maxEvents) break
    count++
    size += request.size
  }
  return queue.splice(0, count)
}

/** The counters, and answering each write of a batch with its outcome. */
class Counters {
  private commits = 0
  private appends = 0
  private appendedEvents = 0
  private checkpoints = 0
  private failed = 0

  /** Answers every write of a committed batch: its value, or its own refusal. */
  settle(batch: ReadonlyArray<WriteRequest>, outcomes: ReadonlyArray<unknown>): void {
    this.commits++
    batch.forEach((request, index) => {
      const outcome = outcomes[index]
      if (outcome instanceof JournalError) {
        this.failed++
        request.resume(Exit.fail(outcome))
        return
      }
      if (request.write.kind === "append") {
        this.appends++
        this.appendedEvents += request.write.events.length
      }
      if (request.write.kind === "checkpoint") this.checkpoints++
      request.resume(Exit.succeed(outcome))
    })
  }

  /** Fails every write of a batch whose transaction failed: none of them is stored. */
  failAll(batch: ReadonlyArray<WriteRequest>, error: JournalError): void {
    this.failed += batch.length
    for (const request of batch) request.resume(Exit.fail(error))
  }

  snapshot(): GroupCommitStats {
    const { commits, appends, appendedEvents, checkpoints, failed } = this
    return { commits, appends, appendedEvents, checkpoints, failed }
  }
}

/**
 * The group committer. Writes queue in memory; one fiber takes everything queued (up to `maxBatchEvents`
 * events) into one transaction, so while a transaction is in flight, the writes requested meanwhile
 * gather for the next one: one round of commits per batch, whatever the number of callers.
 *
 * The transaction first takes the order lock (`pg_advisory_xact_lock`), held until it commits, then
 * continues positions from the highest stored one: positions are assigned and made visible one writer
 * at a time, so a reader never sees position n+1 before n (see the README's position protocol). With an
 * exclusive journal it also checks that this journal's ownership lock is still held by its session; when
 * it is not (the server restarted), the lock is taken again before the batch is retried once.
 *
 * A refused append (`Conflict`, a lifecycle violation, a damaged task) is decided in memory before
 * anything is written: the other writes of the batch commit. A failed transaction (server unreachable)
 * fails every write of the batch (`Io`, transient) and stores none.
 */
export const makeGroupCommit = (
  sql: SqlClient,
  options: {
    readonly maxBatchEvents: number
    readonly orderKey: readonly [number, number]
    readonly ownerKey: readonly [number, number]
    readonly lock: JournalLock | undefined
    readonly quarantine: JournalQuarantine
    readonly channel: string
  }
): Effect.Effect<GroupCommit, never, Scope.Scope> =>
  Effect.gen(function* () {
    const queue: Array<WriteRequest> = []
    const wake = yield* Queue.unbounded<void>()
    const drained = yield* Deferred.make<void>()
    let closed = false
    const counters = new Counters()

    const loadRecords = (batch: ReadonlyArray<WriteRequest>) => {
      const ids = new Set<string>()
      for (const { write } of batch) {
        if (write.kind === "append") for (const event of write.events) ids.add(event.taskId)
      }
      if (ids.size === 0) return Effect.succeed(new Map<string, TaskRecord | JournalError>())
      return Effect.map(sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks WHERE id IN ${sql.in([...ids])}`, (rows) => {
        const found = new Map<string, TaskRecord | JournalError>()
        for (const raw of rows) {
          const row = taskRow(raw)
          found.set(row.id, JournalRows.recordFromRow(row))
        }
        return found
      })
    }

    /** The order lock, then (exclusive journals) the check that this journal still owns its schema. */
    const takeTurn = Effect.gen(function* () {
      yield* sql`SELECT pg_advisory_xact_lock(${options.orderKey[0]}, ${options.orderKey[1]})`
      if (options.lock === undefined) return
      const [owned] = yield* sql<{ owned: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND classid = ${options.ownerKey[0]}::oid
          AND objid = ${options.ownerKey[1] >>> 0}::oid AND objsubid = 2 AND pid = ${options.lock.pid()}
          AND granted) AS owned`
      if (owned?.owned !== true) return yield* Effect.fail(new OwnershipLost())
    })

    const saveCheckpoint = (write: Extract<Write, { kind: "checkpoint" }>) =>
      Effect.asVoid(sql`INSERT INTO checkpoints (task_id, data, crc, updated_at)
        VALUES (${write.taskId}, ${write.row.data}, ${write.row.crc}, ${write.now})
        ON CONFLICT (task_id) DO UPDATE SET data = excluded.data, crc = excluded.crc, updated_at = excluded.updated_at`)

    /** Runs each write of the batch in order (appends only staged); returns outcomes and what to store. */
    const applyWrites = (
      batch: ReadonlyArray<WriteRequest>,
      loaded: ReadonlyMap<string, TaskRecord | JournalError>,
      firstPosition: number
    ) =>
      Effect.gen(function* () {
        const staged = new Map<TaskId, TaskRecord>()
        const events: Array<TaskEventEnvelope> = []
        const outcomes: Array<unknown> = []
        const recordOf = (taskId: TaskId) => staged.get(taskId) ?? loaded.get(taskId)
        const stage = (events_: ReadonlyArray<PendingEvent>) => {
          const outcome = stageAppend(events_, recordOf, options.quarantine, firstPosition + events.length)
          if (outcome instanceof JournalError) return outcome
          for (const [id, record] of outcome.records) staged.set(id, record)
          events.push(...outcome.stored)
          return outcome.stored
        }
        for (const { write } of batch) {
          if (write.kind === "append") outcomes.push(stage(write.events))
          else if (write.kind === "checkpoint") outcomes.push(yield* saveCheckpoint(write))
          else outcomes.push(yield* claimIdempotencyKey(sql, write.claim, write.now))
        }
        return { staged, events, outcomes }
      })

    /** Records first (every event row references its task's row), then events, then the notification. */
    const storeStaged = (staged: ReadonlyMap<TaskId, TaskRecord>, events: ReadonlyArray<TaskEventEnvelope>) =>
      Effect.gen(function* () {
        if (staged.size > 0) {
          const rows = [...staged.values()].map(JournalRows.taskToRow) as unknown as InsertRows
          yield* sql`INSERT INTO tasks ${sql.insert(rows)} ON CONFLICT (id) DO UPDATE SET status = excluded.status,
            last_seq = excluded.last_seq, record = excluded.record, crc = excluded.crc`
        }
        // 7 parameters an event, PostgreSQL takes at most 65,535 per statement.
        for (let start = 0; start < events.length; start += 8_000) {
          const rows = events.slice(start, start + 8_000).map(JournalRows.eventToRow) as unknown as InsertRows
          yield* sql`INSERT INTO events ${sql.insert(rows)}`
        }
        // Delivered at commit, only if it commits: followers then read what committed.
        const last = events.at(-1)
        if (last !== undefined) yield* sql`SELECT pg_notify(${options.channel}, ${String(last.position)})`
      })

    /** One transaction for the batch; returns each request's outcome (a value or its own refusal). */
    const commitBatch = (
      batch: ReadonlyArray<WriteRequest>
    ): Effect.Effect<ReadonlyArray<unknown>, SqlError | OwnershipLost> =>
      sql.withTransaction(
        Effect.gen(function* () {
          yield* takeTurn
          const [last] = yield* sql<{ last: unknown }>`SELECT coalesce(max(position), 0) AS last FROM events`
          const loaded = yield* loadRecords(batch)
          const applied = yield* applyWrites(batch, loaded, Number(last?.last ?? 0))
          yield* storeStaged(applied.staged, applied.events)
          return applied.outcomes
        })
      )

    const runBatch = (batch: ReadonlyArray<WriteRequest>): Effect.Effect<void> => {
      const attempt = commitBatch(batch)
      const retakeThenRetry = (lock: JournalLock) =>
        Effect.flatMap(lock.retake, () => attempt).pipe(
          Effect.catchTag("OwnershipLost", () =>
            Effect.fail(new JournalError({ reason: "Io", detail: "the journal's ownership lock could not be kept" }))
          )
        )
      return attempt.pipe(
        Effect.catchTag("OwnershipLost", () =>
          options.lock === undefined ? Effect.die("unreachable") : retakeThenRetry(options.lock)
        ),
        Effect.catchTag("SqlError", (error) => Effect.fail(fromSqlError(error, "committing a batch of writes"))),
        Effect.matchEffect({
          onSuccess: (outcomes) => Effect.sync(() => counters.settle(batch, outcomes)),
          onFailure: (error) => Effect.sync(() => counters.failAll(batch, error))
        })
      )
    }

    const loop = Effect.gen(function* () {
      for (;;) {
        if (queue.length === 0) {
          if (closed) return yield* Deferred.succeed(drained, undefined)
          yield* Queue.take(wake)
          continue
        }
        yield* runBatch(takeBatch(queue, options.maxBatchEvents))
      }
    })
    const fiber = yield* Effect.forkScoped(loop)
    // Runs before the fiber is interrupted (finalisers run in reverse): what is queued commits first.
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        closed = true
        yield* Queue.offer(wake, undefined)
        yield* Deferred.await(drained).pipe(Effect.timeout("60 seconds"), Effect.ignore)
        yield* Fiber.interrupt(fiber)
      })
    )

    const submit = <A>(write: Write): Effect.Effect<A, JournalError> =>
      Effect.callback<A, JournalError>((resume) => {
        if (closed) {
          resume(Effect.fail(new JournalError({ reason: "Unavailable", detail: "the journal is closed" })))
          return
        }
        const request: WriteRequest = {
          write,
          size: sizeOf(write),
          resume: (exit) => resume(exit as Exit.Exit<A, JournalError>)
        }
        queue.push(request)
        Queue.offerUnsafe(wake, undefined)
        return Effect.sync(() => {
          const index = queue.indexOf(request)
          if (index >= 0) queue.splice(index, 1)
        })
      })

    return {
      append: (events) => submit({ kind: "append", events }),
      saveCheckpoint: (taskId, row, now) => submit({ kind: "checkpoint", taskId, row, now }),
      claim: (claim, now) => submit({ kind: "claim", claim, now }),
      stats: () => counters.snapshot()
    }
  })
