import { Schema } from "effect"

/**
 * Why `llm.chat` failed. `NotConfigured`: no endpoint is configured. `InvalidInput`: the messages do not
 * match the schema. `Unauthorized` (401/403), `RateLimited` (429), `HttpError` (any other non-2xx; `status`
 * says which): the endpoint refused. `MalformedResponse`: a 2xx answer that is not a chat completion.
 * `Unreachable`: no answer at all (connection refused, DNS). `TimedOut`: no answer in time. The API key is
 * never part of an error.
 */
export class LlmError extends Schema.TaggedError<LlmError>()("LlmError", {
  reason: Schema.Literals([
    "NotConfigured",
    "InvalidInput",
    "Unauthorized",
    "RateLimited",
    "HttpError",
    "MalformedResponse",
    "Unreachable",
    "TimedOut"
  ]),
  /** The HTTP status, for the reasons that come from one. */
  status: Schema.optionalKey(Schema.Int),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}${this.status === undefined ? "" : ` (HTTP ${this.status})`}: ${this.detail}`
  }
}
