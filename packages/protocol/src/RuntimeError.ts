import { Schema } from "effect"
import { type ErrorCode, errorCodes } from "./ErrorCode.js"
import { NonNegativeInt } from "./Primitives.js"
import { TaskStatus } from "./TaskStatus.js"

/** One problem with a request: where (a path of keys) and what. */
export const RequestIssue = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  message: Schema.String
})
export type RequestIssue = typeof RequestIssue.Type

const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.length === 0 ? "(root)" : path.map((key) => (typeof key === "number" ? `[${key}]` : key)).join(".")

/** The request did not match its schema. `issues` names every offending field. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  what: Schema.String,
  issues: Schema.Array(RequestIssue)
}) {
  override get message(): string {
    const details = this.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join("; ")
    return `Invalid ${this.what}: ${details}`
  }
}

/** No task with that id exists, or the caller may not see it (the two are deliberately indistinguishable). */
export class TaskNotFound extends Schema.TaggedError<TaskNotFound>()("TaskNotFound", {
  taskId: Schema.String
}) {
  override get message(): string {
    return `Task ${this.taskId} not found`
  }
}

/** No agent with that id is registered. */
export class AgentNotFound extends Schema.TaggedError<AgentNotFound>()("AgentNotFound", {
  agentId: Schema.String
}) {
  override get message(): string {
    return `Agent ${this.agentId} is not registered`
  }
}

/**
 * The lifecycle does not allow this move, e.g. `complete` after `cancel` won the race. Nothing changed.
 * `event` is the command that was refused.
 */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  taskId: Schema.optionalKey(Schema.String),
  from: TaskStatus,
  to: TaskStatus,
  event: Schema.String,
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const task = this.taskId === undefined ? "" : ` for task ${this.taskId}`
    const move =
      this.from === this.to
        ? `'${this.event}' in state '${this.from}'`
        : `from '${this.from}' to '${this.to}' ('${this.event}')`
    return `Invalid transition${task}: ${move}${this.detail === undefined ? "" : `: ${this.detail}`}`
  }
}

/** The caller is not authenticated, or its credentials are no longer valid. */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {
  reason: Schema.Literals([
    "missing_credentials",
    "invalid_credentials",
    "expired",
    "revoked",
    "device_proof_failed",
    "throttled",
    "server_identity_mismatch"
  ]),
  /**
   * `server_identity_mismatch` is the client's own refusal: the server did not prove the identity key the
   * saved credentials are bound to, so they were not sent.
   * With `throttled`: too many failed logins lately; the next attempt is refused until this has passed. */
  retryAfterMs: Schema.optionalKey(NonNegativeInt)
}) {
  override get message(): string {
    return `Not authenticated: ${this.reason.replaceAll("_", " ")}`
  }
}

/** The caller is known but not allowed to do this. `reasons` name the rules or policies that decided. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  action: Schema.String,
  resource: Schema.optionalKey(Schema.String),
  reasons: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const on = this.resource === undefined ? "" : ` on ${this.resource}`
    return `Forbidden: ${this.action}${on}${this.reasons.length > 0 ? ` (${this.reasons.join(", ")})` : ""}`
  }
}

/** The runtime's queue is full; try again later. */
export class Overloaded extends Schema.TaggedError<Overloaded>()("Overloaded", {
  queued: NonNegativeInt,
  limit: NonNegativeInt,
  retryAfterMs: Schema.optionalKey(NonNegativeInt)
}) {
  override get message(): string {
    return `Runtime overloaded: ${this.queued} tasks queued (limit ${this.limit})`
  }
}

/** The caller sent requests faster than its allowance. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  retryAfterMs: NonNegativeInt
}) {
  override get message(): string {
    return `Rate limited: retry after ${this.retryAfterMs} ms`
  }
}

/** The call did not finish in time. Whether it took effect is unknown; read the task to find out. */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  operation: Schema.String,
  timeoutMs: NonNegativeInt
}) {
  override get message(): string {
    return `${this.operation} timed out after ${this.timeoutMs} ms`
  }
}

/** The runtime cannot serve the call right now (shutting down, journal unavailable, disconnected). */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  reason: Schema.String
}) {
  override get message(): string {
    return `Runtime unavailable: ${this.reason}`
  }
}

/** The peers share no protocol version. */
export class UnsupportedProtocolVersion extends Schema.TaggedError<UnsupportedProtocolVersion>()(
  "UnsupportedProtocolVersion",
  {
    offered: Schema.Struct({ min: NonNegativeInt, max: NonNegativeInt }),
    supported: Schema.Struct({ min: NonNegativeInt, max: NonNegativeInt })
  }
) {
  override get message(): string {
    return `Unsupported protocol version: offered ${this.offered.min}–${this.offered.max}, supported ${this.supported.min}–${this.supported.max}`
  }
}

/**
 * A worker spoke under a lease (fencing token) the server no longer honours: expired after missed
 * heartbeats, aborted, or already ended. Nothing it sent was applied; the worker must drop the attempt.
 */
export class LeaseLost extends Schema.TaggedError<LeaseLost>()("LeaseLost", {
  leaseId: Schema.String,
  reason: Schema.Literals(["expired", "aborted", "ended", "unknown", "not_yours"])
}) {
  override get message(): string {
    return `Lease ${this.leaseId} is no longer honoured (${this.reason.replaceAll("_", " ")})`
  }
}

/** A bug or an unexpected failure inside the runtime. `reference` points at the server-side log entry. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", {
  reference: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    return `Internal runtime error${this.reference === undefined ? "" : ` (reference ${this.reference})`}`
  }
}

/** Every error a `RuntimeClient` call can reject with. */
export const RuntimeError = Schema.Union([
  InvalidRequest,
  TaskNotFound,
  AgentNotFound,
  InvalidTransition,
  Unauthenticated,
  Forbidden,
  Overloaded,
  RateLimited,
  Timeout,
  Unavailable,
  UnsupportedProtocolVersion,
  LeaseLost,
  InternalError
])
export type RuntimeError = typeof RuntimeError.Type

const codeByTag: { readonly [Tag in RuntimeError["_tag"]]: ErrorCode } = {
  InvalidRequest: "INVALID_REQUEST",
  TaskNotFound: "TASK_NOT_FOUND",
  AgentNotFound: "AGENT_NOT_FOUND",
  InvalidTransition: "INVALID_TRANSITION",
  Unauthenticated: "UNAUTHENTICATED",
  Forbidden: "FORBIDDEN",
  Overloaded: "OVERLOADED",
  RateLimited: "RATE_LIMITED",
  Timeout: "TIMEOUT",
  Unavailable: "UNAVAILABLE",
  UnsupportedProtocolVersion: "UNSUPPORTED_PROTOCOL_VERSION",
  LeaseLost: "LEASE_LOST",
  InternalError: "INTERNAL"
}

/** The machine-readable code of a runtime error. */
export const errorCodeOf = (error: RuntimeError): ErrorCode => codeByTag[error._tag]

/** Whether the same call may succeed later unchanged. */
export const isRetryable = (error: RuntimeError): boolean => errorCodes[errorCodeOf(error)].retryable

/** True for any of the runtime's typed errors. */
export const isRuntimeError: (u: unknown) => u is RuntimeError = Schema.is(RuntimeError)
