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
  agentId: AgentId.annotate({ description: "The agent that runs the task." }),
  description: BoundedString(Limits.descriptionMaxLength).annotate({ description: "What the task is for." }),
  input: JsonValue.annotate({ description: "The agent's input (`null` when none was given)." }),
  parentId: Schema.optionalKey(TaskId.annotate({ description: "The parent task, for a child task." })),
  rootId: TaskId.annotate({ description: "The root of the task's tree; the task's own id without a parent." }),
  sessionId: SessionId.annotate({ description: "The session the task belongs to." }),
  owner: PrincipalId.annotate({ description: "Who submitted the task." }),
  /**
   * The owner as authenticated at submission (provider, roles, trust, device), so a task resumed after a
   * restart acts with the same authority, not with none.
   */
  ownerPrincipal: Schema.optionalKey(Principal),
  priority: Schema.Int.annotate({ description: "Queue priority, -100–100." }),
  maxAttempts: PositiveInt.annotate({ description: "How many attempts the agent gets." }),
  deadline: Schema.optionalKey(Timestamp.annotate({ description: "When the task fails with `TIMEOUT` unless ended." })),
  waitingTimeoutMs: Schema.optionalKey(
    NonNegativeInt.annotate({ description: "The limit on each stay in `waiting`." })
  ),
  metadata: Metadata.annotate({ description: "The submitted labels." })
}).annotate({
  title: "TaskCreated",
  description: "Event 1 of every task: what was asked, by whom, with which limits."
})

/**
 * The task moved from one status to another. Every status change is exactly one of these; the extra
 * fields say why: `waitingFor` when it starts waiting, `result` when it completes, `error` when it fails,
 * `reason` when it is cancelled.
 */
export const StatusChanged = Schema.Struct({
  type: Schema.Literal("status_changed"),
  from: TaskStatus.annotate({ description: "The status before." }),
  to: TaskStatus.annotate({ description: "The status after." }),
  waitingFor: Schema.optionalKey(WaitingReason.annotate({ description: "Present when `to` is `waiting`." })),
  result: Schema.optionalKey(
    JsonValue.annotate({ description: "Present when `to` is `completed`: the agent's result." })
  ),
  error: Schema.optionalKey(TaskFailure.annotate({ description: "Present when `to` is `failed`." })),
  reason: Schema.optionalKey(Message.annotate({ description: "When `to` is `cancelled`: the reason given, if any." }))
}).annotate({
  title: "StatusChanged",
  description:
    "The task moved from one status to another. Every status change is exactly one of these; the extra fields say why: `waitingFor` when it starts waiting, `result` when it completes, `error` when it fails, `reason` when it is cancelled."
})

/** How far along the work is, 0–100, with an optional message. Does not change the status. */
export const Progress = Schema.Struct({
  type: Schema.Literal("progress"),
  percent: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 100 }))).annotate({
    description: "0–100 (the runtime clamps what agents report)."
  }),
  message: Schema.optionalKey(Message)
}).annotate({
  title: "Progress",
  description: "How far along the work is, 0\u2013100, with an optional message. Does not change the status."
})

/** A named intermediate or final output of the agent, as JSON. */
export const Output = Schema.Struct({
  type: Schema.Literal("output"),
  name: BoundedString(256).annotate({ description: "The output's name, chosen by the agent." }),
  value: JsonValue,
  mimeType: Schema.optionalKey(BoundedString(128))
}).annotate({
  title: "Output",
  description: "A named intermediate or final output of the agent, as JSON."
})

/** A file or blob the agent produced, by reference; the bytes live outside the journal. */
export const Artifact = Schema.Struct({
  type: Schema.Literal("artifact"),
  name: BoundedString(256),
  uri: BoundedString(2_048).annotate({ description: "Where the bytes are." }),
  mimeType: Schema.optionalKey(BoundedString(128)),
  bytes: Schema.optionalKey(NonNegativeInt.annotate({ description: "The size in bytes." })),
  sha256: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isPattern(/^[0-9a-f]{64}$/u))))
}).annotate({
  title: "Artifact",
  description: "A file or blob the agent produced, by reference; the bytes live outside the journal."
})

/** A log line from the agent or the runtime about this task. */
export const LogLevel = Schema.Literals(["debug", "info", "warn", "error"])
export type LogLevel = typeof LogLevel.Type

export const Log = Schema.Struct({
  type: Schema.Literal("log"),
  level: LogLevel,
  message: Message
}).annotate({
  title: "Log",
  description: "A log line from the agent or the runtime about this task."
})

/** The agent asked its caller a question; the task waits for `input` until it is answered. */
export const InputRequested = Schema.Struct({
  type: Schema.Literal("input_requested"),
  prompt: Message.annotate({ description: "The question, for a person." }),
  /** An optional JSON Schema the answer should satisfy, for UIs. */
  schema: Schema.optionalKey(JsonValue)
}).annotate({
  title: "InputRequested",
  description:
    "The agent asked its caller a question. The next event is the `status_changed` to `waiting` (`waitingFor: input`); answer with `task.provideInput`."
})

/** The caller answered; the task runs again with this input. */
export const InputProvided = Schema.Struct({
  type: Schema.Literal("input_provided"),
  input: JsonValue.annotate({ description: "The answer." })
}).annotate({
  title: "InputProvided",
  description: "The caller answered; the next event is the `status_changed` back to `running`."
})

/** The task started a child task. */
export const ChildSpawned = Schema.Struct({
  type: Schema.Literal("child_spawned"),
  childId: TaskId.annotate({ description: "The child task's id." }),
  agentId: AgentId
}).annotate({
  title: "ChildSpawned",
  description: "The task started a child task."
})

/** One attempt of the agent failed and another will follow after `retryInMs`. */
export const AttemptFailed = Schema.Struct({
  type: Schema.Literal("attempt_failed"),
  attempt: PositiveInt.annotate({ description: "The attempt that failed." }),
  maxAttempts: PositiveInt,
  error: TaskFailure.annotate({ description: "Why the attempt failed." }),
  retryInMs: NonNegativeInt.annotate({ description: "The back-off before the next attempt." })
}).annotate({
  title: "AttemptFailed",
  description: "One attempt of the agent failed and another follows after `retryInMs`. The status stays `running`."
})

/** A dangerous skill needs a person's approval; the task waits for `approval`. */
export const ApprovalRequested = Schema.Struct({
  type: Schema.Literal("approval_requested"),
  skillId: SkillId.annotate({ description: "The dangerous skill waiting to run." }),
  summary: Message.annotate({ description: "What it would do, for the person deciding." })
}).annotate({
  title: "ApprovalRequested",
  description:
    "A dangerous skill needs a person's approval. The next event is the `status_changed` to `waiting` (`waitingFor: approval`); decide with `task.resolveApproval`."
})

/** A person decided on the pending approval. */
export const ApprovalResolved = Schema.Struct({
  type: Schema.Literal("approval_resolved"),
  approved: Schema.Boolean,
  reason: Schema.optionalKey(Message.annotate({ description: "The decider's reason, if given." }))
}).annotate({
  title: "ApprovalResolved",
  description:
    "A person decided on the pending approval. Approved: the next event is the `status_changed` back to `running`; refused: the task fails with `APPROVAL_DENIED`."
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
]).annotate({ title: "TaskEvent", description: "Everything that can happen to a task, discriminated on `type`." })
export type TaskEvent = typeof TaskEvent.Type
export type TaskEventType = TaskEvent["type"]

/**
 * A task event as stored and streamed: which task, its place in that task's history (`seq`, 1, 2, 3… with
 * no gaps), its place in the whole journal (`position`), when, and who caused it.
 */
export const TaskEventEnvelope = Schema.Struct({
  taskId: TaskId.annotate({ description: "The task the event belongs to." }),
  seq: PositiveInt.annotate({ description: "The event's place in its task's history: 1, 2, 3… with no gaps." }),
  position: PositiveInt.annotate({ description: "The event's place in the whole journal, increasing across tasks." }),
  at: Timestamp.annotate({ description: "When the event was appended (ms since the epoch)." }),
  causedBy: PrincipalId.annotate({
    description: "Who caused it: a principal id, `agent:<agentId>` for the agent, `system:<part>` for the runtime."
  }),
  event: TaskEvent
}).annotate({
  title: "TaskEventEnvelope",
  description:
    "A task event as stored and streamed: which task, its place in that task's history (`seq`), its place in the whole journal (`position`), when, and who caused it."
})
export type TaskEventEnvelope = typeof TaskEventEnvelope.Type
