import type { TaskEventEnvelope, TaskId, TaskRecord } from "@coderclaw/protocol"
import {
  type IdempotencyClaim,
  JournalError,
  type JournalQuarantine,
  JournalRows,
  type PendingEvent,
  projectTaskRecord,
  seqConflict
} from "@coderclaw/runtime"
import { Deferred, Effect, Exit, Fiber, Queue, type Scope } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { fromSqlError } from "./fromSqlError.js"
import type { JournalLock } from "./JournalLock.js"
import { taskColumns, taskRow } from "./rows.js"

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
    const counters = { commits: 0, appends: 0, appendedEvents: 0, checkpoints: 0, failed: 0 }

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

    const loadRecords = (ids: ReadonlyArray<string>) =>
      Effect.map(
        ids.length === 0
          ? Effect.succeed([])
          : sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks WHERE id IN ${sql.in(ids)}`,
        (rows) => {
          const found = new Map<string, TaskRecord | JournalError>()
          for (const raw of rows) {
            const row = taskRow(raw)
            found.set(row.id, JournalRows.recordFromRow(row))
          }
          return found
        }
      )

    /** Validates one append against the stored and staged records; stages its records when accepted. */
    const stageAppend = (
      events: ReadonlyArray<PendingEvent>,
      loaded: Map<string, TaskRecord | JournalError>,
      staged: Map<TaskId, TaskRecord>,
      firstPosition: number
    ): { readonly stored: Array<TaskEventEnvelope>; readonly records: Map<TaskId, TaskRecord> } | JournalError => {
      const local = new Map<TaskId, TaskRecord>()
      const stored: Array<TaskEventEnvelope> = []
      let position = firstPosition
      for (const pending of events) {
        const previous = local.get(pending.taskId) ?? staged.get(pending.taskId) ?? loaded.get(pending.taskId)
        if (previous instanceof JournalError) return options.quarantine.note(previous)
        const conflict = seqConflict(previous, pending)
        if (conflict !== undefined) return conflict
        const envelope: TaskEventEnvelope = {
          taskId: pending.taskId,
          seq: pending.seq,
          position: ++position,
          at: pending.at,
          causedBy: pending.causedBy,
          event: pending.event
        }
        const next = projectTaskRecord(previous, envelope)
        if (next instanceof JournalError) return next
        local.set(pending.taskId, next)
        stored.push(envelope)
      }
      return { stored, records: local }
    }

    const claimKey = (claim: IdempotencyClaim, now: number) =>
      Effect.gen(function* () {
        const held = yield* sql<{ task_id: string; fingerprint: string; expires_at: unknown }>`
          SELECT task_id, fingerprint, expires_at FROM idempotency_keys WHERE owner = ${claim.owner} AND key = ${claim.key}`
        const row = held[0]
        if (row !== undefined && Number(row.expires_at) > now) {
          return {
            owner: claim.owner,
            key: claim.key,
            taskId: row.task_id as TaskId,
            fingerprint: row.fingerprint,
            expiresAt: Number(row.expires_at)
          }
        }
        // A few lapsed keys per claim: the table stays bounded by the window's traffic.
        yield* sql`DELETE FROM idempotency_keys WHERE ctid IN
          (SELECT ctid FROM idempotency_keys WHERE expires_at <= ${now} LIMIT 16)`
        yield* sql`INSERT INTO idempotency_keys (owner, key, task_id, fingerprint, expires_at)
          VALUES (${claim.owner}, ${claim.key}, ${claim.taskId}, ${claim.fingerprint}, ${claim.expiresAt})
          ON CONFLICT (owner, key) DO UPDATE SET task_id = excluded.task_id, fingerprint = excluded.fingerprint,
            expires_at = excluded.expires_at`
        return claim
      })

    /** One transaction for the batch; returns each request's outcome (a value or its own refusal). */
    const commitBatch = (
      batch: ReadonlyArray<WriteRequest>
    ): Effect.Effect<ReadonlyArray<unknown>, SqlError | OwnershipLost> =>
      sql.withTransaction(
        Effect.gen(function* () {
          yield* sql`SELECT pg_advisory_xact_lock(${options.orderKey[0]}, ${options.orderKey[1]})`
          if (options.lock !== undefined) {
            const [owned] = yield* sql<{ owned: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_locks
              WHERE locktype = 'advisory' AND classid = ${options.ownerKey[0]}::oid
                AND objid = ${options.ownerKey[1] >>> 0}::oid AND objsubid = 2 AND pid = ${options.lock.pid()}
                AND granted) AS owned`
            if (owned?.owned !== true) return yield* Effect.fail(new OwnershipLost())
          }
          const [last] = yield* sql<{ last: unknown }>`SELECT coalesce(max(position), 0) AS last FROM events`
          let position = Number(last?.last ?? 0)
          const ids = new Set<string>()
          for (const { write } of batch) {
            if (write.kind === "append") for (const event of write.events) ids.add(event.taskId)
          }
          const loaded = yield* loadRecords([...ids])
          const staged = new Map<TaskId, TaskRecord>()
          const events: Array<TaskEventEnvelope> = []
          const outcomes: Array<unknown> = []
          for (const { write } of batch) {
            if (write.kind === "append") {
              const outcome = stageAppend(write.events, loaded, staged, position)
              if (outcome instanceof JournalError) {
                outcomes.push(outcome)
                continue
              }
              for (const [id, record] of outcome.records) staged.set(id, record)
              events.push(...outcome.stored)
              position += outcome.stored.length
              outcomes.push(outcome.stored)
            } else if (write.kind === "checkpoint") {
              yield* sql`INSERT INTO checkpoints (task_id, data, crc, updated_at)
                VALUES (${write.taskId}, ${write.row.data}, ${write.row.crc}, ${write.now})
                ON CONFLICT (task_id) DO UPDATE SET data = excluded.data, crc = excluded.crc,
                  updated_at = excluded.updated_at`
              outcomes.push(undefined)
            } else {
              outcomes.push(yield* claimKey(write.claim, write.now))
            }
          }
          // Records first: every event row references its task's row.
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
          if (events.length > 0) yield* sql`SELECT pg_notify(${options.channel}, ${String(position)})`
          return outcomes
        })
      )

    const settle = (batch: ReadonlyArray<WriteRequest>, outcomes: ReadonlyArray<unknown>) => {
      counters.commits++
      batch.forEach((request, index) => {
        const outcome = outcomes[index]
        if (outcome instanceof JournalError) {
          counters.failed++
          request.resume(Exit.fail(outcome))
          return
        }
        if (request.write.kind === "append") {
          counters.appends++
          counters.appendedEvents += request.write.events.length
        } else if (request.write.kind === "checkpoint") {
          counters.checkpoints++
        }
        request.resume(Exit.succeed(outcome))
      })
    }

    const failAll = (batch: ReadonlyArray<WriteRequest>, error: JournalError) => {
      counters.failed += batch.length
      for (const request of batch) request.resume(Exit.fail(error))
    }

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
          onSuccess: (outcomes) => Effect.sync(() => settle(batch, outcomes)),
          onFailure: (error) => Effect.sync(() => failAll(batch, error))
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
        yield* runBatch(takeBatch())
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
      stats: () => ({ ...counters })
    }
  })
