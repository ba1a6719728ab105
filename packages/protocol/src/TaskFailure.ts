import { Schema } from "effect"
import { Message } from "./Primitives.js"

/**
 * Why a task or one of its attempts failed: a machine-readable code (`AGENT_ERROR`, `TIMEOUT`,
 * `APPROVAL_DENIED`, or an agent's own) and a message for people. Match on `code`, never on `message`.
 */
export const TaskFailure = Schema.Struct({
  code: Schema.String.pipe(
    Schema.check(
      Schema.isPattern(/^[A-Z][A-Z0-9_]*$/, { expected: "an UPPER_SNAKE_CASE error code" }),
      Schema.isMaxLength(64)
    )
  ),
  message: Message,
  retryable: Schema.optionalKey(Schema.Boolean)
})
export type TaskFailure = typeof TaskFailure.Type
