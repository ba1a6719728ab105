import { Schema } from "effect"
import { ErrorInfo } from "../ErrorInfo.js"

/**
 * The JSON-RPC 2.0 envelope every frame after the handshake uses (and the handshake too: the challenge is a
 * notification, `connect` a request). JSON-RPC's own members discriminate the frames: `method` + `id` is a
 * request, `method` without `id` a notification, `result` or `error` with `id` a response.
 */
export const JsonRpcVersion = Schema.Literal("2.0")

/** A request id: a string of at most 64 characters or a safe integer. Unique among a connection's recent requests. */
export const JsonRpcId = Schema.Union([
  Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(64))),
  Schema.Int
])
export type JsonRpcId = typeof JsonRpcId.Type

/** A method name, e.g. `task.submit`. */
export const MethodName = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(64)))

/** A call that expects a response with the same `id`. `params`, when present, is an object. */
export const JsonRpcRequest = Schema.Struct({
  jsonrpc: JsonRpcVersion,
  id: JsonRpcId,
  method: MethodName,
  params: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
}).annotate({ title: "JsonRpcRequest" })
export type JsonRpcRequest = typeof JsonRpcRequest.Type

/** A one-way message; the server sends `connect.challenge`, `task.event` and `task.end`. */
export const JsonRpcNotification = Schema.Struct({
  jsonrpc: JsonRpcVersion,
  method: MethodName,
  params: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
}).annotate({ title: "JsonRpcNotification" })
export type JsonRpcNotification = typeof JsonRpcNotification.Type

/**
 * The `error` member of a failed response. `data` is always present when the server sends it: the typed
 * error's wire form (`ErrorInfo`), so a client rebuilds the same error with `fromErrorInfo`.
 */
export const JsonRpcErrorObject = Schema.Struct({
  code: Schema.Int,
  message: Schema.String,
  data: Schema.optionalKey(ErrorInfo)
}).annotate({ title: "JsonRpcErrorObject" })
export type JsonRpcErrorObject = typeof JsonRpcErrorObject.Type

/** The answer to a request that succeeded. */
export const JsonRpcSuccess = Schema.Struct({
  jsonrpc: JsonRpcVersion,
  id: JsonRpcId,
  result: Schema.Unknown
}).annotate({ title: "JsonRpcSuccess" })
export type JsonRpcSuccess = typeof JsonRpcSuccess.Type

/** The answer to a request that failed; `id` is `null` when the request's id could not be read. */
export const JsonRpcFailure = Schema.Struct({
  jsonrpc: JsonRpcVersion,
  id: Schema.NullOr(JsonRpcId),
  error: JsonRpcErrorObject
}).annotate({ title: "JsonRpcFailure" })
export type JsonRpcFailure = typeof JsonRpcFailure.Type

/**
 * JSON-RPC's own error codes, used for problems with the message itself. Errors of the runtime (task not
 * found, forbidden, …) use the codes of `errorCodes` (`jsonRpcCode`), e.g. -32004 for `TASK_NOT_FOUND`.
 */
export const jsonRpcErrorCodes = {
  /** The frame is not JSON. */
  parseError: -32700,
  /** The frame is JSON but not a JSON-RPC 2.0 request object, or is too large, or reuses a recent id. */
  invalidRequest: -32600,
  /** No such method (unknown methods are denied). */
  methodNotFound: -32601,
  /** The params do not match the method's schema; `data.details.issues` names every bad field. */
  invalidParams: -32602,
  /** A bug on the server. */
  internalError: -32603
} as const
