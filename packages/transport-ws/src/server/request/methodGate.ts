import {
  type JsonRpcRequest,
  jsonRpcErrorCodes,
  type Permission,
  permissionOf,
  type WireMethod
} from "@coderclaw/protocol"
import { Result } from "effect"
import { badMessage } from "../frames.js"
import { malformed, type RequestContext, type RequestStep } from "./RequestContext.js"

/** A request for a method this connection may dispatch, with the permission the method demands. */
export interface GatedRequest extends JsonRpcRequest {
  readonly method: WireMethod
  readonly permission: Permission | "authenticated"
}

/**
 * Step 4: the method must be in the protocol's method → permission table (unknown methods are denied with
 * -32601), and must not be `connect`, which belongs to the handshake.
 */
export const gateMethod = (_context: RequestContext, request: JsonRpcRequest): RequestStep<GatedRequest> => {
  const permission = permissionOf(request.method)
  if (permission === undefined)
    return malformed(
      request.id,
      badMessage(`unknown method '${request.method}'`, ["method"]),
      jsonRpcErrorCodes.methodNotFound
    )
  if (permission === "handshake")
    return malformed(
      request.id,
      badMessage("the connection is already authenticated", ["method"]),
      jsonRpcErrorCodes.invalidRequest
    )
  return Result.succeed({ ...request, method: request.method as WireMethod, permission })
}
