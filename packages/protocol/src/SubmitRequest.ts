import { Schema } from "effect"
import { AgentId, SessionId, TaskId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { Metadata } from "./Metadata.js"
import { BoundedString, DurationMs, JsonValue, PositiveInt } from "./Primitives.js"

/**
 * A key that makes a submit safe to retry: 1–255 printable ASCII characters (no spaces), chosen by the
 * caller, e.g. a UUID per logical request.
 */
export const IdempotencyKey = BoundedString(255).pipe(
  Schema.check(Schema.isPattern(/^[\x21-\x7e]+$/u, { expected: "idempotency key: printable ASCII without spaces" }))
)

/**
 * A caller's request to run a task on an agent. Everything in it is journalled, so the task can be
 * re-run from its record alone.
 */
export const SubmitRequest = Schema.Struct({
  agentId: AgentId.annotate({ description: "The agent that runs the task." }),
  description: BoundedString(Limits.descriptionMaxLength).annotate({
    description: "What the task is for, in words; shown in listings and given to the agent."
  }),
  input: Schema.optionalKey(
    JsonValue.annotate({ description: "The agent's input, any JSON value. Absent: the agent receives `null`." })
  ),
  parentId: Schema.optionalKey(
    TaskId.annotate({ description: "Makes this task a child of another; the parent must be visible to the caller." })
  ),
  sessionId: Schema.optionalKey(
    SessionId.annotate({ description: "The session the task belongs to. Default: the caller's session." })
  ),
  priority: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: -100, maximum: 100 }))).annotate({
      description: "Higher runs first among queued tasks; ties run in submit order.",
      default: 0
    })
  ),
  maxAttempts: Schema.optionalKey(
    PositiveInt.pipe(Schema.check(Schema.isLessThanOrEqualTo(100))).annotate({
      description:
        "How many attempts the agent gets before the task fails. Default: the runtime's `defaultMaxAttempts` (3 unless configured)."
    })
  ),
  timeoutMs: Schema.optionalKey(
    DurationMs.annotate({
      description:
        "Fails the task with `TIMEOUT` if it has not ended this many milliseconds after submit. Default: no deadline."
    })
  ),
  waitingTimeoutMs: Schema.optionalKey(
    DurationMs.annotate({
      description:
        "Fails the task with `TIMEOUT` if it stays `waiting` (for input, children or approval) longer than this, each time it waits. Default: no limit."
    })
  ),
  metadata: Schema.optionalKey(Metadata.annotate({ description: "Flat labels for search and display." })),
  idempotencyKey: Schema.optionalKey(
    IdempotencyKey.annotate({
      description:
        "Makes the submit safe to retry. Another submit by the same owner with the same key, within the runtime's idempotency window (24 hours unless configured), returns the task the first one created instead of creating a second one, even after a restart; the same key with a different request is refused with `INVALID_REQUEST` on `idempotencyKey`. Keys of different owners never collide."
    })
  )
}).annotate({
  title: "SubmitRequest",
  description:
    "A caller's request to run a task on an agent. Everything in it is journalled, so the task can be re-run from its record alone."
})
export type SubmitRequest = typeof SubmitRequest.Type
