import { Schema } from "effect"
import { Message } from "./Primitives.js"

/**
 * Why a task or one of its attempts failed: a machine-readable code (`AGENT_ERROR`, `TIMEOUT`,
 * `APPROVAL_DENIED`, or an agent's own) and a message for people. Match on `code`, never on `message`.
 */
export const TaskFailure = Schema.Struct({
  code: Schema.String.pipe(
    Schema.check(
      Schema.isPattern(/^[A-Z][A-Z0-9_]*$/u, { expected: "an UPPER_SNAKE_CASE error code" }),
      Schema.isMaxLength(64)
    )
  ),
  message: Message,
  retryable: Schema.optionalKey(
    Schema.Boolean.annotate({ description: "`false`: the runtime does not retry the attempt even if attempts remain." })
  )
}).annotate({
  title: "TaskFailure",
  description:
    "Why a task or one of its attempts failed: a machine-readable `code` (one of the known task failure codes, see `KnownTaskFailureCode`, or an agent's own UPPER_SNAKE_CASE code) and a message for people. Match on `code`, never on `message`."
})
export type TaskFailure = typeof TaskFailure.Type
