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
  Schema.check(Schema.isPattern(/^[\x21-\x7e]+$/, { expected: "idempotency key: printable ASCII without spaces" }))
)

/**
 * A caller's request to run a task on an agent. Everything in it is journalled, so the task can be
 * re-run from its record alone.
 */
export const SubmitRequest = Schema.Struct({
  /** The agent that runs the task. */
  agentId: AgentId,
  /** What the task is for, in words; shown in listings and given to the agent. */
  description: BoundedString(Limits.descriptionMaxLength),
  /** The agent's input, any JSON value. */
  input: Schema.optionalKey(JsonValue),
  /** Makes this task a child of another; the parent must be visible to the caller. */
  parentId: Schema.optionalKey(TaskId),
  /** The session the task belongs to; defaults to the caller's session. */
  sessionId: Schema.optionalKey(SessionId),
  /** Higher runs first among queued tasks; ties run in submit order. Default 0. */
  priority: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: -100, maximum: 100 })))),
  /**
   * How many attempts the agent gets before the task fails. Default: the runtime's `defaultMaxAttempts` (3
   * unless configured).
   */
  maxAttempts: Schema.optionalKey(PositiveInt.pipe(Schema.check(Schema.isLessThanOrEqualTo(100)))),
  /** Fails the task if it has not ended this many milliseconds after submit. */
  timeoutMs: Schema.optionalKey(DurationMs),
  /** Fails the task if it stays `waiting` (for input, children or approval) longer than this. */
  waitingTimeoutMs: Schema.optionalKey(DurationMs),
  /** Flat labels for search and display. */
  metadata: Schema.optionalKey(Metadata),
  /**
   * Makes the submit safe to retry. Another submit by the same owner with the same key, within the
   * runtime's idempotency window (24 hours unless configured), returns the task the first one created
   * instead of creating a second one, even after a restart; the same key with a different request is
   * refused with `InvalidRequest`. Keys of different owners never collide.
   */
  idempotencyKey: Schema.optionalKey(IdempotencyKey)
})
export type SubmitRequest = typeof SubmitRequest.Type
