import {
  InvalidRequest,
  jsonRpcErrorCodes,
  makeDecoder,
  RequestMeta,
  requestMetaKey,
  type WireMethod,
  wireMethods
} from "@coderclaw/protocol"
import { Result } from "effect"
import type { GatedRequest } from "./methodGate.js"
import { type AdmittedRequest, malformed, type RequestContext, type RequestStep } from "./RequestContext.js"

const paramDecoders = Object.fromEntries(
  Object.entries(wireMethods).map(([name, spec]) => [name, makeDecoder(spec.params, `${name} params`)])
) as { readonly [Method in WireMethod]: ReturnType<typeof makeDecoder> }

const decodeMeta = makeDecoder(RequestMeta, "request metadata")

/**
 * Step 5: the params must match the method's schema (omitted params are `{}`); every bad field is named (-32602).
 * `params._meta` (`RequestMeta`: trace context) is taken out first and checked on its own, so every method
 * accepts it and none sees it.
 */
export const decodeParams = (_context: RequestContext, request: GatedRequest): RequestStep<AdmittedRequest> => {
  const { [requestMetaKey]: rawMeta, ...params } = request.params ?? {}
  const meta = rawMeta === undefined ? undefined : decodeMeta(rawMeta)
  if (meta !== undefined && Result.isFailure(meta)) {
    const issues = meta.failure.issues.map((issue) => ({ ...issue, path: [requestMetaKey, ...issue.path] }))
    return malformed(
      request.id,
      new InvalidRequest({ what: meta.failure.what, issues }),
      jsonRpcErrorCodes.invalidParams
    )
  }
  const decoded = paramDecoders[request.method](params)
  return Result.isFailure(decoded)
    ? malformed(request.id, decoded.failure, jsonRpcErrorCodes.invalidParams)
    : Result.succeed({
        id: request.id,
        method: request.method,
        permission: request.permission,
        params: decoded.success,
        ...(meta === undefined ? {} : { meta: meta.success })
      })
}
