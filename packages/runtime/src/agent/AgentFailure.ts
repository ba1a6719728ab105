import { Schema } from "effect"

/**
 * How an agent says its attempt failed. `code` is recorded on the task (`AGENT_ERROR` when an agent fails
 * with anything else); `retryable: false` fails the task at once instead of using the remaining attempts.
 */
export class AgentFailure extends Schema.TaggedError<AgentFailure>()("AgentFailure", {
  code: Schema.String,
  message: Schema.String,
  retryable: Schema.optionalKey(Schema.Boolean)
}) {}
