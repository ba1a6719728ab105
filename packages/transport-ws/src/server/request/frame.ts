import { JsonRpcNotification, JsonRpcRequest, jsonRpcErrorCodes, makeDecoder } from "@coderclaw/protocol"
import { Result } from "effect"
import { parseJson } from "../../internal/parseJson.js"
import { badMessage, readableId } from "../frames.js"
import { malformed, type RequestContext, type RequestStep } from "./RequestContext.js"

const decodeRequest = makeDecoder(JsonRpcRequest, "JSON-RPC request")
const decodeNotification = makeDecoder(JsonRpcNotification, "JSON-RPC notification")

/**
 * Step 1: the frame must be at most `maxMessageBytes` of JSON holding one JSON-RPC request object. A request
 * whose id is missing or unusable (not a string of 1–64 characters nor a safe integer) is answered with
 * `id: null`; a frame without `id` that is a valid notification is not answered at all.
 */
export const readFrame = (context: RequestContext, data: Buffer): RequestStep<JsonRpcRequest> => {
  const invalid = jsonRpcErrorCodes.invalidRequest
  const { maxMessageBytes } = context.limits
  if (data.length > maxMessageBytes) return malformed(null, badMessage(`larger than ${maxMessageBytes} bytes`), invalid)
  const parsed = parseJson(data.toString("utf8"))
  if (Result.isFailure(parsed)) return malformed(null, badMessage("not valid JSON"), jsonRpcErrorCodes.parseError)
  const frame = parsed.success
  if (Array.isArray(frame)) return malformed(null, badMessage("batches are not supported"), invalid)
  if (typeof frame !== "object" || frame === null)
    return malformed(null, badMessage("expected a JSON-RPC request object"), invalid)
  const decoded = decodeRequest(frame)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  if (!("id" in frame) && Result.isSuccess(decodeNotification(frame))) return Result.fail({ _tag: "Notification" })
  return malformed(readableId(frame), decoded.failure, invalid)
}
