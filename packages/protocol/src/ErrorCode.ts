import { Schema } from "effect"

/**
 * Every error a runtime call can end with, as a machine-readable code. Callers branch on the code (or on
 * the error class's `_tag`), never on message text.
 *
 * `retryable` says whether the same call may succeed later unchanged; `jsonRpcCode` is the code used on
 * the JSON-RPC wire (the -32000…-32099 range is ours; -32600/-32602/-32603 are JSON-RPC's own).
 */
export const errorCodes = {
  INVALID_REQUEST: { retryable: false, jsonRpcCode: -32602 },
  TASK_NOT_FOUND: { retryable: false, jsonRpcCode: -32004 },
  AGENT_NOT_FOUND: { retryable: false, jsonRpcCode: -32005 },
  INVALID_TRANSITION: { retryable: false, jsonRpcCode: -32009 },
  UNAUTHENTICATED: { retryable: false, jsonRpcCode: -32001 },
  FORBIDDEN: { retryable: false, jsonRpcCode: -32003 },
  OVERLOADED: { retryable: true, jsonRpcCode: -32050 },
  RATE_LIMITED: { retryable: true, jsonRpcCode: -32029 },
  TIMEOUT: { retryable: true, jsonRpcCode: -32008 },
  UNAVAILABLE: { retryable: true, jsonRpcCode: -32053 },
  UNSUPPORTED_PROTOCOL_VERSION: { retryable: false, jsonRpcCode: -32010 },
  INTERNAL: { retryable: false, jsonRpcCode: -32603 }
} as const satisfies Record<string, { readonly retryable: boolean; readonly jsonRpcCode: number }>

/** The code of a runtime error. */
export type ErrorCode = keyof typeof errorCodes

/** Schema of `ErrorCode`, for messages that carry one. */
export const ErrorCode = Schema.Literals(Object.keys(errorCodes) as [ErrorCode, ...Array<ErrorCode>])
