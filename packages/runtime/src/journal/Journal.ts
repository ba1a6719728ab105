import {
  type InvalidRequest,
  type JsonValue,
  Limits,
  type PageRequest,
  type TaskEventEnvelope,
  type TaskFilter,
  type TaskId,
  type TaskPage,
  type TaskRecord
} from "@coderclaw/protocol"
import { Context, type Effect, type Option } from "effect"
import type { JournalError } from "./JournalError.js"

/** An event to append: its envelope without `position`, which the journal assigns. */
export type PendingEvent = Omit<TaskEventEnvelope, "position">

/** A task whose stored data failed an integrity check: it is not served until an operator restores it. */
export interface DamagedTask {
  readonly taskId: string
  /** What was found, e.g. which event failed its checksum. */
  readonly detail: string
}

/** Which tasks `listTasks` returns: a protocol filter plus the sessions the caller may see. */
export interface TaskQuery {
  readonly filter: TaskFilter
  /** When set, only tasks of these sessions; `undefined` means every session. */
  readonly sessions?: ReadonlyArray<string> | undefined
}

/**
 * An idempotency key held for a task: a keyed submit claims its owner's key for the task it is about to
 * create, before journalling it, so a retry finds the same task (or, if the first try stopped in between,
 * creates the task under the id claimed).
 */
export interface IdempotencyClaim {
  /** The principal id of the submitter: keys are scoped per owner. */
  readonly owner: string
  readonly key: string
  /** The task the key stands for. */
  readonly taskId: TaskId
  /** Identifies the request that claimed the key; a retry with another request is refused. */
  readonly fingerprint: string
  /** When the claim lapses (ms since the epoch); after it the key may be claimed anew. */
  readonly expiresAt: number
}

/**
 * The journal: the durable, append-only history of every task, and the source of truth the runtime
 * recovers from. Implementations: the in-memory journal here, `@coderclaw/store-sqlite` (embedded
 * default); all pass `@coderclaw/journal-conformance`.
 *
 * Rules every implementation keeps:
 * - `append` is atomic: every event of the batch is stored, or none is.
 * - Per task, seqs are 1, 2, 3… with no gap: an event whose seq is not the task's next fails the whole
 *   batch with a `Conflict`, so of two writers deciding on the same state, the first to append wins.
 * - Positions are global and contiguous: 1, 2, 3… in append order, never skipping a number (live streams
 *   publish in position order and wait for a missing one), even after a refused or rolled-back append.
 * - An `append` that has started is either stored whole or not at all, whatever happens to its caller.
 * - Task records are maintained with `projectTaskRecord`, in the same transaction as the events.
 */
export interface JournalShape {
  /** Appends a batch atomically and returns the stored envelopes (with positions), in order. */
  append(events: ReadonlyArray<PendingEvent>): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, JournalError>
  /** A task's events with `seq > afterSeq`, in seq order. */
  readTask(taskId: TaskId, afterSeq: number): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, JournalError>
  /** Up to `limit` events of all tasks with `position > afterPosition`, in position order. */
  readAll(afterPosition: number, limit: number): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, JournalError>
  /** The position of the last appended event (0 when empty). */
  readonly lastPosition: Effect.Effect<number, JournalError>
  /** A task's current record. */
  loadTask(taskId: TaskId): Effect.Effect<Option.Option<TaskRecord>, JournalError>
  /**
   * Records matching the query, newest first (by id), one page at a time. A `page.cursor` the journal did
   * not issue (see `decodeTaskCursor`) fails with `InvalidRequest` naming `cursor`.
   */
  listTasks(query: TaskQuery, page: PageRequest): Effect.Effect<TaskPage, JournalError | InvalidRequest>
  /** Every task not in a final status, oldest first: what recovery rehydrates. */
  readonly activeTasks: Effect.Effect<ReadonlyArray<TaskRecord>, JournalError>
  /** Counts of tasks per status. */
  readonly countByStatus: Effect.Effect<Readonly<Record<TaskRecord["status"], number>>, JournalError>
  /** Stores the agent's latest checkpoint for a task, replacing the previous one. */
  saveCheckpoint(taskId: TaskId, data: JsonValue): Effect.Effect<void, JournalError>
  /** The agent's latest checkpoint for a task, if any. */
  loadCheckpoint(taskId: TaskId): Effect.Effect<Option.Option<JsonValue>, JournalError>
  /**
   * Claims `claim.key` for `claim.owner`, durably, unless a claim that has not lapsed at `now` holds it.
   * Returns the claim that holds the key afterwards: `claim` itself, or the earlier one (unchanged). A
   * lapsed claim is replaced; lapsed claims may be dropped at any time.
   */
  claimIdempotencyKey(claim: IdempotencyClaim, now: number): Effect.Effect<IdempotencyClaim, JournalError>
  /** Proves the journal is writable now (a health check); fails with `Unavailable` when it is not. */
  readonly probe: Effect.Effect<void, JournalError>
  /**
   * Optional, for journals that check what they read back (checksums): the tasks found damaged so far.
   * A damaged task is quarantined: reading it fails `Corrupt` naming it, and `listTasks`, `readAll` and
   * `activeTasks` leave it out, so the other tasks stay readable. The runtime's health reports them.
   */
  readonly damagedTasks?: Effect.Effect<ReadonlyArray<DamagedTask>, JournalError>
}

/** The journal service. Provide a layer: `InMemoryJournal.layer`, or the SQLite store's. */
export class Journal extends Context.Service<Journal, JournalShape>()("@coderclaw/runtime/Journal") {}

/** The page size `listTasks` uses when the request names none. */
export const defaultPageSize: number = Limits.pageDefaultSize
