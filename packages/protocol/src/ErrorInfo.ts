import { Exit, Schema } from "effect"
import { ErrorCode, errorCodes } from "./ErrorCode.js"
import { NonNegativeInt } from "./Primitives.js"
import { errorCodeOf, InternalError, RuntimeError } from "./RuntimeError.js"

/**
 * An error as it crosses a boundary: the code to branch on, a message for people, whether retrying may
 * help, and the error's own fields in `details` so the receiving side rebuilds the same typed error.
 */
export const ErrorInfo = Schema.Struct({
  code: ErrorCode,
  message: Schema.String,
  retryable: Schema.Boolean,
  retryAfterMs: Schema.optionalKey(
    NonNegativeInt.annotate({ description: "Wait at least this long before retrying." })
  ),
  details: Schema.optionalKey(
    Schema.Unknown.annotate({ description: "The typed error: its `_tag` and fields (see the error codes table)." })
  )
}).annotate({
  title: "ErrorInfo",
  description:
    "An error as it crosses a boundary (a JSON-RPC error's `data`, `task.end`'s `error`): the code to branch on, a message for people, whether retrying may help, and the typed error's fields in `details`."
})
export type ErrorInfo = typeof ErrorInfo.Type

const encodeRuntimeError = Schema.encodeSync(RuntimeError)
const decodeRuntimeError = Schema.decodeUnknownExit(RuntimeError)

/** Turns a typed runtime error into its wire form. */
export const toErrorInfo = (error: RuntimeError): ErrorInfo => {
  const code = errorCodeOf(error)
  const retryAfterMs = "retryAfterMs" in error ? error.retryAfterMs : undefined
  return {
    code,
    message: error.message,
    retryable: errorCodes[code].retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    details: encodeRuntimeError(error)
  }
}

/**
 * Rebuilds the typed error from its wire form. A peer sending details this version cannot read (a newer
 * error, or garbage) yields an `InternalError` rather than an untyped value.
 */
export const fromErrorInfo = (info: ErrorInfo): RuntimeError => {
  const decoded = decodeRuntimeError(info.details)
  if (Exit.isSuccess(decoded) && errorCodeOf(decoded.value) === info.code) return decoded.value
  return new InternalError({ reference: `${info.code}: ${info.message}` })
}
