import { jsonRpcErrorCodes, makeDecoder, type WireMethod, wireMethods } from "@coderclaw/protocol"
import { Result } from "effect"
import type { GatedRequest } from "./methodGate.js"
import { type AdmittedRequest, malformed, type RequestContext, type RequestStep } from "./RequestContext.js"

const paramDecoders = Object.fromEntries(
  Object.entries(wireMethods).map(([name, spec]) => [name, makeDecoder(spec.params, `${name} params`)])
) as { readonly [Method in WireMethod]: ReturnType<typeof makeDecoder> }

/** Step 5: the params must match the method's schema (omitted params are `{}`); every bad field is named (-32602). */
export const decodeParams = (_context: RequestContext, request: GatedRequest): RequestStep<AdmittedRequest> => {
  const decoded = paramDecoders[request.method](request.params ?? {})
  return Result.isFailure(decoded)
    ? malformed(request.id, decoded.failure, jsonRpcErrorCodes.invalidParams)
    : Result.succeed({
        id: request.id,
        method: request.method,
        permission: request.permission,
        params: decoded.success
      })
}
