import { Schema } from "effect"
import { AgentId, PrincipalId, SessionId, TaskId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { Metadata } from "./Metadata.js"
import { BoundedString, JsonValue, Message, NonNegativeInt, PositiveInt, Timestamp } from "./Primitives.js"
import { Principal } from "./Principal.js"
import { TaskFailure } from "./TaskFailure.js"
import { TaskStatus, WaitingReason } from "./TaskStatus.js"

/**
 * The current state of a task: a projection of its events, up to and including event `lastSeq`.
 * `result` is set once `completed`, `error` once `failed`; both stay absent otherwise.
 */
export const TaskRecord = Schema.Struct({
  id: TaskId,
  parentId: Schema.optionalKey(TaskId),
  rootId: TaskId,
  sessionId: SessionId,
  owner: PrincipalId,
  /** The owner as authenticated at submission; see `TaskCreated.ownerPrincipal`. */
  ownerPrincipal: Schema.optionalKey(Principal),
  agentId: AgentId,
  description: BoundedString(Limits.descriptionMaxLength),
  input: JsonValue,
  status: TaskStatus,
  waitingFor: Schema.optionalKey(WaitingReason),
  progress: Schema.Struct({
    percent: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 100 }))),
    message: Schema.optionalKey(Message)
  }),
  result: Schema.optionalKey(JsonValue),
  error: Schema.optionalKey(TaskFailure),
  attempt: PositiveInt,
  maxAttempts: PositiveInt,
  priority: Schema.Int,
  createdAt: Timestamp,
  startedAt: Schema.optionalKey(Timestamp),
  updatedAt: Timestamp,
  completedAt: Schema.optionalKey(Timestamp),
  /** When the task fails with `TIMEOUT` unless it has ended. */
  deadline: Schema.optionalKey(Timestamp),
  /** How long the task may stay `waiting` each time it waits. */
  waitingTimeoutMs: Schema.optionalKey(NonNegativeInt),
  /** While `waiting`: when the task fails with `TIMEOUT` unless it resumes. */
  waitingDeadline: Schema.optionalKey(Timestamp),
  metadata: Metadata,
  lastSeq: PositiveInt,
  lastPosition: NonNegativeInt
})
export type TaskRecord = typeof TaskRecord.Type
