import type {
  AgentDescriptor,
  AgentNotFound,
  ApprovalDecision,
  Forbidden,
  InvalidRequest,
  InvalidTransition,
  Overloaded,
  Principal,
  RuntimeStatus,
  SkillDescriptor,
  TaskEventEnvelope,
  TaskNotFound,
  TaskPage,
  TaskRecord,
  Unavailable
} from "@coderclaw/protocol"
import { Context, type Effect, Layer, type Stream } from "effect"
import { Authorizer } from "./authorization/Authorizer.js"
import { InMemoryJournal } from "./journal/InMemoryJournal.js"
import type { Journal } from "./journal/Journal.js"
import type { JournalError } from "./journal/JournalError.js"
import type { RuntimeOptions } from "./RuntimeOptions.js"
import { makeRuntime } from "./supervisor/makeRuntime.js"
import type { WorkerHubShape } from "./workers/WorkerHub.js"

/** Errors of calls that name a task. */
export type TaskCallError = InvalidRequest | TaskNotFound | Forbidden | Unavailable

/**
 * The runtime as an Effect service: every call takes the caller's principal and checks it with the
 * `Authorizer`. Transports (`@coderclaw/transport-local`, `@coderclaw/transport-ws`) expose it as a
 * Promise-based `RuntimeClient`; Effect users call it directly.
 */
export interface RuntimeShape {
  /** Remote workers: their registration, leases and calls (see docs/workers.md). */
  readonly workers?: WorkerHubShape
  /** Validates, authorizes and journals a new task, then queues it; resolves with its `pending` record. */
  submit(
    principal: Principal,
    request: unknown
  ): Effect.Effect<TaskRecord, InvalidRequest | AgentNotFound | Overloaded | TaskCallError>
  get(principal: Principal, taskId: string): Effect.Effect<TaskRecord, TaskCallError>
  list(
    principal: Principal,
    filter?: unknown,
    page?: unknown
  ): Effect.Effect<TaskPage, InvalidRequest | Forbidden | Unavailable>
  /** Cancels an active task and its active children, stopping their work. */
  cancel(
    principal: Principal,
    taskId: string,
    reason?: string
  ): Effect.Effect<TaskRecord, TaskCallError | InvalidTransition>
  /** Answers a task waiting for input. */
  provideInput(
    principal: Principal,
    taskId: string,
    input: unknown
  ): Effect.Effect<TaskRecord, TaskCallError | InvalidTransition>
  /**
   * Decides on the dangerous skill call a task waits for (`waiting/approval`): approved, the call runs;
   * denied, the task fails with `APPROVAL_DENIED`.
   */
  resolveApproval(
    principal: Principal,
    taskId: string,
    decision: ApprovalDecision
  ): Effect.Effect<TaskRecord, TaskCallError | InvalidTransition>
  /** A task's events after `afterSeq`: replay, then live; ends after the final event. */
  subscribe(principal: Principal, taskId: string, afterSeq?: number): Stream.Stream<TaskEventEnvelope, TaskCallError>
  /** Events of every visible task matching the filter, after `afterPosition` (default: from now on). */
  subscribeAll(
    principal: Principal,
    filter?: unknown,
    afterPosition?: number
  ): Stream.Stream<TaskEventEnvelope, InvalidRequest | Forbidden | Unavailable>
  /** The registered agents; those hosted on workers say where (`hosting`: which workers, free slots, queue). */
  listAgents(principal: Principal): Effect.Effect<ReadonlyArray<AgentDescriptor>>
  listSkills(principal: Principal): Effect.Effect<ReadonlyArray<SkillDescriptor>>
  status(principal: Principal): Effect.Effect<RuntimeStatus, Forbidden>
  /**
   * Validates a workflow (schema, duplicate/unknown step ids, cycles, unknown agents) and submits it as a
   * task of the `workflow` agent, whose steps become its child tasks. Fails with `Unavailable` when no
   * workflow agent (from `@coderclaw/orchestrator`) is registered.
   */
  submitWorkflow(
    principal: Principal,
    definition: unknown
  ): Effect.Effect<TaskRecord, InvalidRequest | AgentNotFound | Overloaded | TaskCallError>
  /**
   * Stops accepting work, lets running attempts finish for up to the grace period, then interrupts them
   * (they resume on the next start). Also run when the runtime's scope closes.
   */
  shutdown(graceMs?: number): Effect.Effect<void>
}

/** The coderClaw runtime service. */
export class Runtime extends Context.Service<Runtime, RuntimeShape>()("@coderclaw/runtime/Runtime") {
  /**
   * The runtime on a journal and an authorizer of your choice. Building it recovers every unfinished task
   * from the journal; closing its scope shuts it down gracefully.
   */
  static readonly layer = (options: RuntimeOptions): Layer.Layer<Runtime, JournalError, Journal | Authorizer> =>
    Layer.effect(Runtime, makeRuntime(options))

  /** A local, in-memory runtime with the permissive authorizer: for tests, scripts and examples. */
  static readonly layerInMemory = (options: RuntimeOptions): Layer.Layer<Runtime, JournalError> =>
    Runtime.layer(options).pipe(Layer.provide([InMemoryJournal.layer, Authorizer.permissive]))
}
