import { MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION } from "@coderclaw/protocol"
import { notificationFrame } from "../frames.js"
import type { HandshakeContext } from "./HandshakeContext.js"

/**
 * Phase 1: the server speaks first, with a fresh nonce and the protocol versions it supports, and, when the
 * client sent a nonce of its own, the proof of the server's identity key over both nonces.
 */
export const challengeFrame = (context: HandshakeContext): string => {
  context.phase = "challenge"
  const { clientNonce, serverIdentity } = context
  return notificationFrame("connect.challenge", {
    nonce: context.nonce,
    protocol: { min: MIN_SUPPORTED_PROTOCOL_VERSION, max: PROTOCOL_VERSION },
    handshakeTimeoutMs: context.limits.handshakeTimeoutMs,
    ...(clientNonce === undefined || serverIdentity === undefined
      ? {}
      : { server: serverIdentity.prove(context.nonce, clientNonce) })
  })
}
