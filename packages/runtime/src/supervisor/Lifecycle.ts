import type {
  AgentNotFound,
  Forbidden,
  InvalidRequest,
  InvalidTransition,
  Overloaded,
  Principal,
  PrincipalId,
  TaskEventEnvelope,
  TaskId,
  TaskNotFound,
  TaskRecord,
  Unavailable
} from "@coderclaw/protocol"
import type { TaskCommand } from "@coderclaw/task-machine"
import type { Effect } from "effect"
import type { PendingEvent } from "../journal/Journal.js"
import type { LiveTask } from "./LiveTask.js"

/** What `apply` fails with: the command is refused, or the journal did not store it. */
export type ApplyError = InvalidTransition | Unavailable

/** What submitting a task fails with. */
export type SubmitError = InvalidRequest | AgentNotFound | Overloaded | Forbidden | TaskNotFound | Unavailable

/** Stores a new task's `created` event; a spawning parent journals it together with its `child_spawned`. */
export type JournalCreated<E> = (
  created: PendingEvent
) => Effect.Effect<ReadonlyArray<TaskEventEnvelope>, Unavailable | E>

/**
 * The calls the supervisor's modules make into one another. A task's life goes round in a circle (a command
 * ends a task, its end cancels its children, cancelling a child applies a command), so the modules cannot be
 * built one on top of the next: each is given this object, made once by `makeRuntime`, whose calls reach the
 * module that implements them.
 */
export interface Lifecycle {
  /** Decides, journals and applies one command (`applyCommand`). */
  apply(
    task: LiveTask,
    command: TaskCommand,
    causedBy: PrincipalId,
    alongside?: ReadonlyArray<PendingEvent>
  ): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, ApplyError>
  /** `apply` for consecutive commands taken as one step (`applyCommand`). */
  applyAll(
    task: LiveTask,
    commands: ReadonlyArray<TaskCommand>,
    causedBy: PrincipalId,
    alongside?: ReadonlyArray<PendingEvent>
  ): Effect.Effect<ReadonlyArray<TaskEventEnvelope>, ApplyError>
  /** Starts queued tasks while slots are free (`Slots`). */
  readonly drain: Effect.Effect<void>
  /** Starts (or restarts) a running task's agent fiber (`AgentRunner`). */
  startAgent(task: LiveTask): Effect.Effect<void>
  /** Drops a task the journal refused for good from memory (`Reactions`). */
  evict(task: LiveTask, error: Unavailable): Effect.Effect<void>
  /** Resumes a parent waiting for children once they ended (`Waiters`). */
  settleParentIfReady(parentId: TaskId): Effect.Effect<void>
  /** Cancels every active child of a task (`Cancellation`). */
  cancelChildren(parentId: TaskId, reason: string): Effect.Effect<void>
  /** Validates, authorizes, journals and queues a new task (`submitTask`). */
  submitTask<E = never>(
    principal: Principal,
    raw: unknown,
    journalCreated?: JournalCreated<E>
  ): Effect.Effect<TaskRecord, SubmitError | E>
}
