import { Schema } from "effect"

/**
 * Every error a runtime call can end with, as a machine-readable code. Callers branch on the code (or on
 * the error class's `_tag`), never on message text.
 *
 * `meaning` says when it is used. `retryable` says whether the same call may succeed later unchanged; `jsonRpcCode` is the code used on
 * the JSON-RPC wire (the -32000…-32099 range is ours; -32600/-32602/-32603 are JSON-RPC's own).
 */
export const errorCodes = {
  INVALID_REQUEST: {
    retryable: false,
    jsonRpcCode: -32602,
    meaning:
      "The request does not match its schema, or names something it may not (a foreign cursor, a reused idempotency key); `details.issues` names every bad field."
  },
  TASK_NOT_FOUND: {
    retryable: false,
    jsonRpcCode: -32004,
    meaning:
      "No task with that id exists, or the caller may not see it (another user's task without `task:read:any`): the two are deliberately indistinguishable."
  },
  AGENT_NOT_FOUND: { retryable: false, jsonRpcCode: -32005, meaning: "No agent with that id is registered." },
  INVALID_TRANSITION: {
    retryable: false,
    jsonRpcCode: -32009,
    meaning:
      "The lifecycle does not allow this move now (cancelling a finished task, answering a task that does not wait for input); nothing changed."
  },
  UNAUTHENTICATED: {
    retryable: false,
    jsonRpcCode: -32001,
    meaning: "No valid credentials, or the session was revoked or expired; `details.reason` says which."
  },
  FORBIDDEN: {
    retryable: false,
    jsonRpcCode: -32003,
    meaning:
      "The caller is known but not allowed to do this; `details.reasons` name the rules or policies that decided."
  },
  OVERLOADED: {
    retryable: true,
    jsonRpcCode: -32050,
    meaning: "The runtime's queue is full, or the connection holds too many subscriptions; retry later."
  },
  RATE_LIMITED: {
    retryable: true,
    jsonRpcCode: -32029,
    meaning: "The connection sent requests faster than its allowance; retry after `retryAfterMs`."
  },
  TIMEOUT: {
    retryable: true,
    jsonRpcCode: -32008,
    meaning: "The call did not finish in time; whether it took effect is unknown (read the task)."
  },
  UNAVAILABLE: {
    retryable: true,
    jsonRpcCode: -32053,
    meaning:
      "The runtime cannot serve the call now (shutting down, journal unavailable, disconnected, workflows not provided)."
  },
  UNSUPPORTED_PROTOCOL_VERSION: {
    retryable: false,
    jsonRpcCode: -32010,
    meaning: "The peers share no protocol version."
  },
  LEASE_LOST: {
    retryable: false,
    jsonRpcCode: -32011,
    meaning:
      "A worker spoke for an attempt under a lease the server no longer honours (expired, aborted or ended); nothing was applied. Stop that attempt."
  },
  INTERNAL: {
    retryable: false,
    jsonRpcCode: -32603,
    meaning: "A bug or unexpected failure on the server; `details.reference` points at its log entry."
  }
} as const satisfies Record<
  string,
  { readonly retryable: boolean; readonly jsonRpcCode: number; readonly meaning: string }
>

/** The code of a runtime error. */
export type ErrorCode = keyof typeof errorCodes

/** Schema of `ErrorCode`, for messages that carry one. */
export const ErrorCode = Schema.Literals(Object.keys(errorCodes) as [ErrorCode, ...Array<ErrorCode>]).annotate({
  title: "ErrorCode",
  description: "The machine-readable code of a runtime error; branch on it, never on message text."
})
