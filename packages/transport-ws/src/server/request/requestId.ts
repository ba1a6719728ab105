import { type JsonRpcRequest, jsonRpcErrorCodes } from "@coderclaw/protocol"
import { Result } from "effect"
import { badMessage } from "../frames.js"
import { malformed, type RequestContext, type RequestStep } from "./RequestContext.js"

/** Step 2: the id must not be in flight or among the connection's recently answered ids (`RequestIdWindow`). */
export const checkRequestId = (context: RequestContext, request: JsonRpcRequest): RequestStep<JsonRpcRequest> =>
  context.ids.isUsed(request.id)
    ? malformed(
        request.id,
        badMessage(`request id ${JSON.stringify(request.id)} was used recently`, ["id"]),
        jsonRpcErrorCodes.invalidRequest
      )
    : Result.succeed(request)
