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
  id: TaskId.annotate({ description: "The task's id, a UUIDv7 (sorts by creation time)." }),
  parentId: Schema.optionalKey(TaskId.annotate({ description: "The parent task, for a child task." })),
  rootId: TaskId.annotate({ description: "The root of the task's tree; its own id for a task without a parent." }),
  sessionId: SessionId.annotate({ description: "The session the task belongs to." }),
  owner: PrincipalId.annotate({ description: "Who submitted the task: visibility and `…:any` permissions follow it." }),
  ownerPrincipal: Schema.optionalKey(
    Principal.annotate({ description: "The owner as authenticated at submission; see `created.ownerPrincipal`." })
  ),
  agentId: AgentId.annotate({ description: "The agent that runs the task." }),
  description: BoundedString(Limits.descriptionMaxLength).annotate({ description: "What the task is for." }),
  input: JsonValue.annotate({ description: "The agent's input as submitted (`null` when none was given)." }),
  status: TaskStatus,
  waitingFor: Schema.optionalKey(
    WaitingReason.annotate({ description: "Present exactly while `status` is `waiting`." })
  ),
  progress: Schema.Struct({
    percent: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 100 }))).annotate({
      description: "0–100, from the latest `progress` event (0 before the first)."
    }),
    message: Schema.optionalKey(Message.annotate({ description: "The latest progress event's message." }))
  }).annotate({ description: "The latest reported progress." }),
  result: Schema.optionalKey(JsonValue.annotate({ description: "The agent's result; present once `completed`." })),
  error: Schema.optionalKey(TaskFailure.annotate({ description: "Why the task failed; present once `failed`." })),
  attempt: PositiveInt.annotate({ description: "The current (or last) attempt, 1 up to `maxAttempts`." }),
  maxAttempts: PositiveInt.annotate({ description: "How many attempts the agent gets." }),
  priority: Schema.Int.annotate({ description: "Queue priority, -100–100; higher runs first." }),
  createdAt: Timestamp.annotate({ description: "When the task was submitted (ms since the epoch)." }),
  startedAt: Schema.optionalKey(Timestamp.annotate({ description: "When the task first moved to `running`." })),
  updatedAt: Timestamp.annotate({ description: "When the last event was appended." }),
  completedAt: Schema.optionalKey(
    Timestamp.annotate({ description: "When the task reached a final status (`completed`, `failed` or `cancelled`)." })
  ),
  deadline: Schema.optionalKey(
    Timestamp.annotate({ description: "When the task fails with `TIMEOUT` unless it has ended (from `timeoutMs`)." })
  ),
  waitingTimeoutMs: Schema.optionalKey(
    NonNegativeInt.annotate({ description: "How long the task may stay `waiting` each time it waits." })
  ),
  waitingDeadline: Schema.optionalKey(
    Timestamp.annotate({ description: "While `waiting`: when the task fails with `TIMEOUT` unless it resumes." })
  ),
  metadata: Metadata.annotate({ description: "The submitted labels (`{}` when none)." }),
  lastSeq: PositiveInt.annotate({ description: "The `seq` of the last event this record includes." }),
  lastPosition: NonNegativeInt.annotate({ description: "The journal `position` of that event." })
}).annotate({
  title: "TaskRecord",
  description:
    "The current state of a task: a projection of its events, up to and including event `lastSeq`. `result` is set once `completed`, `error` once `failed`; both stay absent otherwise."
})
export type TaskRecord = typeof TaskRecord.Type
