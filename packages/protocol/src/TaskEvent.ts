import { Schema } from "effect"
import { AgentId, PrincipalId, SessionId, SkillId, TaskId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { Metadata } from "./Metadata.js"
import { BoundedString, JsonValue, Message, NonNegativeInt, PositiveInt, Timestamp } from "./Primitives.js"
import { Principal } from "./Principal.js"
import { TaskFailure } from "./TaskFailure.js"
import { TaskStatus, WaitingReason } from "./TaskStatus.js"

/** Event 1 of every task: what was asked, by whom, with which limits. */
export const TaskCreated = Schema.Struct({
  type: Schema.Literal("created"),
  agentId: AgentId,
  description: BoundedString(Limits.descriptionMaxLength),
  input: JsonValue,
  parentId: Schema.optionalKey(TaskId),
  rootId: TaskId,
  sessionId: SessionId,
  owner: PrincipalId,
  /**
   * The owner as authenticated at submission (provider, roles, trust, device), so a task resumed after a
   * restart acts with the same authority, not with none.
   */
  ownerPrincipal: Schema.optionalKey(Principal),
  priority: Schema.Int,
  maxAttempts: PositiveInt,
  deadline: Schema.optionalKey(Timestamp),
  waitingTimeoutMs: Schema.optionalKey(NonNegativeInt),
  metadata: Metadata
})

/**
 * The task moved from one status to another. Every status change is exactly one of these; the extra
 * fields say why: `waitingFor` when it starts waiting, `result` when it completes, `error` when it fails,
 * `reason` when it is cancelled.
 */
export const StatusChanged = Schema.Struct({
  type: Schema.Literal("status_changed"),
  from: TaskStatus,
  to: TaskStatus,
  waitingFor: Schema.optionalKey(WaitingReason),
  result: Schema.optionalKey(JsonValue),
  error: Schema.optionalKey(TaskFailure),
  reason: Schema.optionalKey(Message)
})

/** How far along the work is, 0–100, with an optional message. Does not change the status. */
export const Progress = Schema.Struct({
  type: Schema.Literal("progress"),
  percent: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 100 }))),
  message: Schema.optionalKey(Message)
})

/** A named intermediate or final output of the agent, as JSON. */
export const Output = Schema.Struct({
  type: Schema.Literal("output"),
  name: BoundedString(256),
  value: JsonValue,
  mimeType: Schema.optionalKey(BoundedString(128))
})

/** A file or blob the agent produced, by reference; the bytes live outside the journal. */
export const Artifact = Schema.Struct({
  type: Schema.Literal("artifact"),
  name: BoundedString(256),
  uri: BoundedString(2_048),
  mimeType: Schema.optionalKey(BoundedString(128)),
  bytes: Schema.optionalKey(NonNegativeInt),
  sha256: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isPattern(/^[0-9a-f]{64}$/))))
})

/** A log line from the agent or the runtime about this task. */
export const LogLevel = Schema.Literals(["debug", "info", "warn", "error"])
export type LogLevel = typeof LogLevel.Type

export const Log = Schema.Struct({
  type: Schema.Literal("log"),
  level: LogLevel,
  message: Message
})

/** The agent asked its caller a question; the task waits for `input` until it is answered. */
export const InputRequested = Schema.Struct({
  type: Schema.Literal("input_requested"),
  prompt: Message,
  /** An optional JSON Schema the answer should satisfy, for UIs. */
  schema: Schema.optionalKey(JsonValue)
})

/** The caller answered; the task runs again with this input. */
export const InputProvided = Schema.Struct({
  type: Schema.Literal("input_provided"),
  input: JsonValue
})

/** The task started a child task. */
export const ChildSpawned = Schema.Struct({
  type: Schema.Literal("child_spawned"),
  childId: TaskId,
  agentId: AgentId
})

/** One attempt of the agent failed and another will follow after `retryInMs`. */
export const AttemptFailed = Schema.Struct({
  type: Schema.Literal("attempt_failed"),
  attempt: PositiveInt,
  maxAttempts: PositiveInt,
  error: TaskFailure,
  retryInMs: NonNegativeInt
})

/** A dangerous skill needs a person's approval; the task waits for `approval`. */
export const ApprovalRequested = Schema.Struct({
  type: Schema.Literal("approval_requested"),
  skillId: SkillId,
  summary: Message
})

/** A person decided on the pending approval. */
export const ApprovalResolved = Schema.Struct({
  type: Schema.Literal("approval_resolved"),
  approved: Schema.Boolean,
  reason: Schema.optionalKey(Message)
})

/** Everything that can happen to a task, discriminated on `type`. */
export const TaskEvent = Schema.Union([
  TaskCreated,
  StatusChanged,
  Progress,
  Output,
  Artifact,
  Log,
  InputRequested,
  InputProvided,
  ChildSpawned,
  AttemptFailed,
  ApprovalRequested,
  ApprovalResolved
])
export type TaskEvent = typeof TaskEvent.Type
export type TaskEventType = TaskEvent["type"]

/**
 * A task event as stored and streamed: which task, its place in that task's history (`seq`, 1, 2, 3… with
 * no gaps), its place in the whole journal (`position`), when, and who caused it.
 */
export const TaskEventEnvelope = Schema.Struct({
  taskId: TaskId,
  seq: PositiveInt,
  position: PositiveInt,
  at: Timestamp,
  causedBy: PrincipalId,
  event: TaskEvent
})
export type TaskEventEnvelope = typeof TaskEventEnvelope.Type
