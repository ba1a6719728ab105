import { ConnectParams, JsonRpcRequest, jsonRpcErrorCodes, makeDecoder, Unauthenticated } from "@coderclaw/protocol"
import { Result } from "effect"
import { parseJson } from "../../internal/parseJson.js"
import { badMessage, readableId } from "../frames.js"
import type { HandshakeContext, HandshakeRejected } from "./HandshakeContext.js"

const decodeRequest = makeDecoder(JsonRpcRequest, "JSON-RPC request")
const decodeConnect = makeDecoder(ConnectParams, "connect params")

/** A first frame that is a well-formed `connect` request. */
export interface AdmittedConnect {
  readonly requestId: JsonRpcRequest["id"]
  readonly params: ConnectParams
}

/**
 * Phase 2: the client's first frame must be a small `connect` request with valid params. Anything else
 * (too large, not JSON, another method) ends the connection: an unauthenticated peer gets no second try.
 */
export const admitFirstFrame = (
  context: HandshakeContext,
  data: Buffer
): Result.Result<AdmittedConnect, HandshakeRejected> => {
  context.phase = "admission"
  if (data.length > context.limits.preAuthMaxBytes)
    return Result.fail({
      requestId: null,
      error: badMessage(`a frame before connect may be at most ${context.limits.preAuthMaxBytes} bytes`),
      close: "preAuthFrameTooLarge",
      jsonRpcCode: jsonRpcErrorCodes.invalidRequest
    })
  const parsed = parseJson(data.toString("utf8"))
  if (Result.isFailure(parsed))
    return Result.fail({
      requestId: null,
      error: badMessage("not valid JSON"),
      close: "expectedConnect",
      jsonRpcCode: jsonRpcErrorCodes.parseError
    })
  const request = decodeRequest(parsed.success)
  if (Result.isFailure(request))
    return Result.fail({
      requestId: readableId(parsed.success),
      error: request.failure,
      close: "expectedConnect",
      jsonRpcCode: jsonRpcErrorCodes.invalidRequest
    })
  const { id, method, params } = request.success
  if (method !== "connect")
    return Result.fail({
      requestId: id,
      error: new Unauthenticated({ reason: "missing_credentials" }),
      close: "expectedConnect"
    })
  const connect = decodeConnect(params ?? {})
  if (Result.isFailure(connect))
    return Result.fail({
      requestId: id,
      error: connect.failure,
      close: "expectedConnect",
      jsonRpcCode: jsonRpcErrorCodes.invalidParams
    })
  return Result.succeed({ requestId: id, params: connect.success })
}
