import type { AgentDescriptor } from "./AgentDescriptor.js"
import type { JsonValue } from "./Primitives.js"
import type { RuntimeStatus } from "./RuntimeStatus.js"
import type { SkillDescriptor } from "./SkillDescriptor.js"
import type { SubmitRequest } from "./SubmitRequest.js"
import type { TaskEventEnvelope } from "./TaskEvent.js"
import type { PageRequest, TaskFilter, TaskPage } from "./TaskFilter.js"
import type { TaskRecord } from "./TaskRecord.js"
import type { WorkflowDefinition } from "./WorkflowDefinition.js"

/** Options every call accepts. */
export interface CallOptions {
  /** Aborting rejects the call with the signal's reason; whether the call took effect is then unknown. */
  readonly signal?: AbortSignal
}

/** Where a single-task subscription starts: events with `seq > afterSeq` (default 0, the whole history). */
/** A person's decision on a pending approval. */
export interface ApprovalDecision {
  readonly approved: boolean
  readonly reason?: string
}

export interface SubscribeOptions extends CallOptions {
  readonly afterSeq?: number
}

/** Where an all-tasks subscription starts: events with `position > afterPosition` (default: live only). */
export interface SubscribeAllOptions extends CallOptions {
  readonly afterPosition?: number
}

/**
 * What every transport offers, so a caller cannot tell a local runtime from a remote one.
 *
 * A client is bound to one authenticated principal (the local transport is created with one; the
 * WebSocket client authenticates its connection), so no call takes a principal: the runtime knows who is
 * calling and checks every call against that principal's permissions and session visibility.
 *
 * Calls reject with the typed errors of `RuntimeError` (`TaskNotFound`, `InvalidRequest`,
 * `InvalidTransition`, `Forbidden`, `Overloaded`, …); branch on `_tag` or `errorCodeOf(error)`.
 * Requests are the schemas' encoded (plain JSON) shapes and are validated by the runtime.
 */
export interface RuntimeClient {
  /** Submits a task; resolves with its record (status `pending`) once it is durably journalled. */
  submit(request: typeof SubmitRequest.Encoded, options?: CallOptions): Promise<TaskRecord>
  /** The current record of a visible task. */
  get(taskId: string, options?: CallOptions): Promise<TaskRecord>
  /** Visible tasks matching the filter, newest first, one page at a time. */
  list(filter?: typeof TaskFilter.Encoded, page?: typeof PageRequest.Encoded, options?: CallOptions): Promise<TaskPage>
  /** Cancels an active task and its children; rejects with `InvalidTransition` if it already ended. */
  cancel(taskId: string, reason?: string, options?: CallOptions): Promise<TaskRecord>
  /** Answers a task waiting for input; rejects with `InvalidTransition` if it is not waiting for input. */
  provideInput(taskId: string, input: JsonValue, options?: CallOptions): Promise<TaskRecord>
  /**
   * Decides on the dangerous step a task waits for (`waiting/approval`): approved, the step runs; denied,
   * the step fails with `Forbidden`. Rejects with `InvalidTransition` if the task is not waiting for approval.
   */
  resolveApproval(taskId: string, decision: ApprovalDecision, options?: CallOptions): Promise<TaskRecord>
  /**
   * The events of one task after `afterSeq`: first the stored history, then live events, with no gap and no
   * duplicate, ending after the final event. Breaking out of the loop (or aborting) unsubscribes.
   */
  subscribe(taskId: string, options?: SubscribeOptions): AsyncIterable<TaskEventEnvelope>
  /** The events of every visible task matching the filter, after `afterPosition`, in journal order. */
  subscribeAll(filter?: typeof TaskFilter.Encoded, options?: SubscribeAllOptions): AsyncIterable<TaskEventEnvelope>
  /** The agents callers may submit tasks to. */
  listAgents(options?: CallOptions): Promise<ReadonlyArray<AgentDescriptor>>
  /** The skills agents may call. */
  listSkills(options?: CallOptions): Promise<ReadonlyArray<SkillDescriptor>>
  /** Live, measured figures of the runtime node. */
  status(options?: CallOptions): Promise<RuntimeStatus>
  /** Runs a workflow as a task whose steps are its child tasks; resolves with the workflow task's record. */
  submitWorkflow(definition: typeof WorkflowDefinition.Encoded, options?: CallOptions): Promise<TaskRecord>
  /** Releases the client's resources (connections, subscriptions). Further calls reject with `Unavailable`. */
  close(): Promise<void>
}
