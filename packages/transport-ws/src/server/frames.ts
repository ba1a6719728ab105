import {
  errorCodeOf,
  errorCodes,
  InvalidRequest,
  type JsonRpcId,
  type RuntimeError,
  toErrorInfo
} from "@coderclaw/protocol"

/** A successful response frame. */
export const successFrame = (id: JsonRpcId, result: unknown): string => JSON.stringify({ jsonrpc: "2.0", id, result })

/**
 * A failed response frame carrying the typed error as `data` (`ErrorInfo`). The JSON-RPC code is the error
 * code's own unless the problem is with the message itself (`jsonRpcCode`: -32700, -32600, -32601).
 */
export const failureFrame = (id: JsonRpcId | null, error: RuntimeError, jsonRpcCode?: number): string =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    error: {
      code: jsonRpcCode ?? errorCodes[errorCodeOf(error)].jsonRpcCode,
      message: error.message,
      data: toErrorInfo(error)
    }
  })

/** A notification frame. */
export const notificationFrame = (method: string, params: unknown): string =>
  JSON.stringify({ jsonrpc: "2.0", method, params })

/** An `InvalidRequest` about the message as a whole (not JSON, not an object, too large, …). */
export const badMessage = (problem: string, path: ReadonlyArray<string | number> = []): InvalidRequest =>
  new InvalidRequest({ what: "message", issues: [{ path: [...path], message: problem }] })

/** The id of a frame that failed validation, when it has a usable one, so the error can be correlated. */
export const readableId = (frame: unknown): JsonRpcId | null => {
  if (typeof frame !== "object" || frame === null || !("id" in frame)) return null
  const id = frame.id
  return (typeof id === "string" && id.length > 0 && id.length <= 64) || Number.isSafeInteger(id)
    ? (id as JsonRpcId)
    : null
}
