import type { Authenticated } from "@coderclaw/protocol"
import { successFrame } from "../frames.js"
import type { AdmittedConnect } from "./admission.js"
import type { HandshakeContext } from "./HandshakeContext.js"

/**
 * Phase 5: answer `connect` with the negotiated version, the authenticated principal, the limits, and the
 * session token when authentication opened a session.
 */
export const helloFrame = (
  context: HandshakeContext,
  admitted: AdmittedConnect,
  protocolVersion: number,
  authenticated: Authenticated
): string => {
  context.phase = "hello"
  const { limits } = context
  return successFrame(admitted.requestId, {
    protocolVersion,
    connectionId: context.connectionId,
    principal: authenticated.principal,
    heartbeatIntervalMs: limits.heartbeatIntervalMs,
    limits: {
      maxMessageBytes: limits.maxMessageBytes,
      requestsPerSecond: limits.requestsPerSecond,
      requestBurst: limits.requestBurst,
      maxSubscriptions: limits.maxSubscriptions,
      maxOutboundBytes: limits.maxOutboundBytes
    },
    ...(authenticated.session === undefined ? {} : { session: authenticated.session }),
    // The key this server's session tokens are bound to, for clients to pin at login.
    ...(context.serverIdentity === undefined ? {} : { server: context.serverIdentity.key })
  })
}
