import {
  RequestMalformedError,
  TaskNotCancelableError,
  TaskNotFoundError,
  UnsupportedOperationError
} from "@a2a-js/sdk/errors"
import { errorCodeOf, type RuntimeError } from "@coderclaw/protocol"

/**
 * The A2A error for one of the runtime's typed errors, carrying our machine-readable code in its metadata
 * (`code`), so A2A clients can branch on it as WebSocket clients do. Errors A2A has no name for
 * (`Overloaded`, `Unavailable`, `Timeout`, `InternalError`) stay internal errors (JSON-RPC -32603, HTTP 500).
 */
export const a2aError = (error: RuntimeError, operation?: "cancel"): Error => {
  const options = { message: error.message, metadata: { code: errorCodeOf(error) } }
  switch (error._tag) {
    case "TaskNotFound":
      return new TaskNotFoundError(options)
    case "InvalidRequest":
    case "AgentNotFound":
      return new RequestMalformedError(options)
    case "InvalidTransition":
      return operation === "cancel" ? new TaskNotCancelableError(options) : new UnsupportedOperationError(options)
    case "Forbidden":
    case "Unauthenticated":
      return new UnsupportedOperationError(options)
    default:
      return Object.assign(new Error(error.message), { code: errorCodeOf(error) })
  }
}
