import type { JsonValue, LogLevel, TaskFailure, TaskId } from "@coderclaw/protocol"

/**
 * The commands a task's statechart accepts: the XState events of `taskMachine`.
 *
 * Lifecycle commands move the task between statuses; in-state commands (`progress`, `output`,
 * `artifact`, `log`, `spawn_child`, `attempt_failed`, `attempt_lost`) record facts without changing the status.
 */
export type TaskCommand =
  /** pending → planning: the scheduler picked the task up. */
  | { readonly type: "plan" }
  /** planning → running: the agent's attempt starts. */
  | { readonly type: "start" }
  /** running → waiting(input): the agent asks its caller a question. */
  | { readonly type: "request_input"; readonly prompt: string; readonly schema?: JsonValue }
  /** waiting(input) → running: the caller answered. */
  | { readonly type: "provide_input"; readonly input: JsonValue }
  /** running → waiting(children): the agent waits for the child tasks it spawned. */
  | { readonly type: "await_children" }
  /** waiting(children) → running: every awaited child task ended. */
  | { readonly type: "children_settled" }
  /** running → waiting(approval): a dangerous skill needs a person's approval. */
  | { readonly type: "request_approval"; readonly skillId: string; readonly summary: string }
  /** waiting(approval) → running: the approval was granted. */
  | { readonly type: "approve"; readonly reason?: string }
  /** waiting(approval) → failed: the approval was refused; the task fails with `APPROVAL_DENIED`. */
  | { readonly type: "deny"; readonly reason?: string }
  /** running → completed, with the agent's result. */
  | { readonly type: "complete"; readonly result: JsonValue }
  /** any active status → failed. */
  | { readonly type: "fail"; readonly error: TaskFailure }
  /** any active status → cancelled. */
  | { readonly type: "cancel"; readonly reason?: string }
  /** In planning or running: how far along the work is (clamped to 0–100). */
  | { readonly type: "progress"; readonly percent: number; readonly message?: string }
  /** In planning or running: a named output of the agent. */
  | { readonly type: "output"; readonly name: string; readonly value: JsonValue; readonly mimeType?: string }
  /** In planning or running: a produced file or blob, by reference. */
  | {
      readonly type: "artifact"
      readonly name: string
      readonly uri: string
      readonly mimeType?: string
      readonly bytes?: number
      readonly sha256?: string
    }
  /** In any active status: a log line. */
  | { readonly type: "log"; readonly level: LogLevel; readonly message: string }
  /** In running: the agent started a child task. */
  | { readonly type: "spawn_child"; readonly childId: TaskId; readonly agentId: string }
  /** In running: an attempt failed and another follows after `retryInMs`; refused when no attempt is left. */
  | { readonly type: "attempt_failed"; readonly error: TaskFailure; readonly retryInMs: number }
  /**
   * In running: the attempt was lost, not failed (its worker's lease expired). Recorded as `attempt_failed`
   * with one more attempt allowed, so losing a worker never uses up the task's retry budget.
   */
  | { readonly type: "attempt_lost"; readonly error: TaskFailure }

/** The `type` of every command. */
export type TaskCommandType = TaskCommand["type"]
