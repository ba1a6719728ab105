import { Schema } from "effect"
import { JsonValue, Message } from "../Primitives.js"

// Params of the task methods. Fields holding a whole request (`request`, `filter`, `page`, `definition`) are
// validated by the runtime with their own schemas, so a bad field is reported with its path inside that
// request (e.g. `description`), exactly as over the local transport.

/** `task.submit`: `request` is a `SubmitRequest`. */
export const SubmitParams = Schema.Struct({ request: Schema.Unknown })

/** `task.get`. */
export const TaskIdParams = Schema.Struct({ taskId: Schema.String })

/** `task.list`: `filter` is a `TaskFilter`, `page` a `PageRequest`. */
export const ListParams = Schema.Struct({
  filter: Schema.optionalKey(Schema.Unknown),
  page: Schema.optionalKey(Schema.Unknown)
})

/** `task.cancel`. */
export const CancelParams = Schema.Struct({ taskId: Schema.String, reason: Schema.optionalKey(Message) })

/** `task.provideInput`. */
export const ProvideInputParams = Schema.Struct({ taskId: Schema.String, input: JsonValue })

/** `task.resolveApproval`: a person's decision on the dangerous step a task waits for. */
export const ResolveApprovalParams = Schema.Struct({
  taskId: Schema.String,
  approved: Schema.Boolean,
  reason: Schema.optionalKey(Message)
})

/** `workflow.submit`: `definition` is a `WorkflowDefinition`. */
export const SubmitWorkflowParams = Schema.Struct({ definition: Schema.Unknown })

/**
 * Methods that take no params accept an absent `params` or `{}`; any key is refused (`-32602`, naming it).
 * A record of `Never` rather than an empty struct: an empty struct lets every extra key through.
 */
export const EmptyParams = Schema.Record(
  Schema.String,
  Schema.Never.annotate({ message: "Expected no excess property (this method takes no params)" })
)

/** `connection.ping`'s result: the server's clock. */
export const PingResult = Schema.Struct({ now: Schema.Int })

/** `session.logout`'s result: whether a session was ended (false when the authenticator has none to end). */
export const LogoutResult = Schema.Struct({ revoked: Schema.Boolean })
