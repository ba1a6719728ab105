import type {
  AgentNotFound,
  Forbidden,
  InvalidRequest,
  JsonValue,
  LogLevel,
  Overloaded,
  Principal,
  SubmitRequest,
  TaskId,
  TaskNotFound,
  TaskRecord,
  Unavailable
} from "@coderclaw/protocol"
import type { Effect } from "effect"
import type { SkillScope } from "./defineSkill.js"
import type { SkillError } from "./SkillError.js"

/** Why starting a child task failed: the same errors as a caller's `submit`. */
export type SpawnError = InvalidRequest | AgentNotFound | Overloaded | Forbidden | TaskNotFound | Unavailable

/** A child task to start from inside an agent: a submit request without session or parent (inherited). */
export type ChildRequest = Omit<typeof SubmitRequest.Encoded, "parentId" | "sessionId">

/**
 * What an agent may do while it runs a task. Every call is journalled before it returns.
 *
 * Re-runs after a crash or after a passivated wait: `checkpoint` holds the last `saveCheckpoint` value,
 * `spawn` returns the child started by the same call of the earlier run (so children are not started twice
 * when the agent replays the same steps), and the first `askInput` returns the answer the task was resumed
 * with, if that answer has not been consumed yet.
 */
export interface AgentContext {
  readonly taskId: TaskId
  /** The attempt being run, from 1. */
  readonly attempt: number
  /** Who submitted the task. */
  readonly owner: Principal
  /** The last checkpoint saved by an earlier attempt or run, if any. */
  readonly checkpoint: JsonValue | undefined
  /** Reports progress, 0–100 (clamped), with an optional message. */
  progress(percent: number, message?: string): Effect.Effect<void>
  /** Records a named output. */
  output(name: string, value: JsonValue, mimeType?: string): Effect.Effect<void>
  /** Records a produced file or blob, by reference. */
  artifact(artifact: {
    readonly name: string
    readonly uri: string
    readonly mimeType?: string
    readonly bytes?: number
    readonly sha256?: string
  }): Effect.Effect<void>
  /** Writes a log line to the task's history. */
  log(level: LogLevel, message: string): Effect.Effect<void>
  /** Stores where the agent is, so a restarted attempt can continue from there instead of from scratch. */
  saveCheckpoint(data: JsonValue): Effect.Effect<void>
  /** Asks the caller a question: the task waits for input, and this resumes with the answer. */
  askInput(prompt: string, schema?: JsonValue): Effect.Effect<JsonValue>
  /** Starts a child task in the same session; it runs on its own and is cancelled with this task. */
  spawn(request: ChildRequest): Effect.Effect<TaskId, SpawnError>
  /**
   * Waits until the given children (default: all spawned by this task) have ended — or, with
   * `{ until: "any" }`, until at least one of them has — with the task waiting for children meanwhile;
   * returns their current records.
   */
  awaitChildren(
    childIds?: ReadonlyArray<TaskId>,
    options?: { readonly until?: "all" | "any" }
  ): Effect.Effect<ReadonlyArray<TaskRecord>>
  /**
   * Calls a skill the agent is allowed to use, checked by the runtime's authorizer with `scope` (the
   * repository, paths and branch it acts on). When policy requires a person's approval, the task waits in
   * `waiting/approval` first; a refusal fails the task.
   */
  callSkill(skillId: string, input: JsonValue, scope?: SkillScope): Effect.Effect<JsonValue, SkillError>
}
