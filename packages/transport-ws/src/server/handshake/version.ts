import {
  MIN_SUPPORTED_PROTOCOL_VERSION,
  negotiateProtocolVersion,
  PROTOCOL_VERSION,
  UnsupportedProtocolVersion
} from "@coderclaw/protocol"
import { Result } from "effect"
import type { AdmittedConnect } from "./admission.js"
import type { HandshakeContext, HandshakeRejected } from "./HandshakeContext.js"

/** Phase 3: pick the highest protocol version both peers speak, before any credential is looked at. */
export const negotiateVersion = (
  context: HandshakeContext,
  admitted: AdmittedConnect
): Result.Result<number, HandshakeRejected> => {
  context.phase = "version"
  const offered = admitted.params.protocol
  const version = negotiateProtocolVersion(offered)
  return version === undefined
    ? Result.fail({
        requestId: admitted.requestId,
        error: new UnsupportedProtocolVersion({
          offered,
          supported: { min: MIN_SUPPORTED_PROTOCOL_VERSION, max: PROTOCOL_VERSION }
        }),
        close: "unsupportedProtocolVersion"
      })
    : Result.succeed(version)
}
