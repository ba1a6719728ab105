import type { Authenticated } from "@coderclaw/protocol"
import { Authenticator } from "@coderclaw/runtime"
import { Effect } from "effect"
import { countAuthFailure } from "../TransportMetrics.js"
import type { AdmittedConnect } from "./admission.js"
import type { HandshakeContext, HandshakeRejected } from "./HandshakeContext.js"

/**
 * Phase 4: the `Authenticator` decides who the connection is from its credentials, the optional device
 * proof and this connection's nonce. The principal it returns is used for every later call.
 */
export const authenticate = (
  context: HandshakeContext,
  admitted: AdmittedConnect
): Effect.Effect<Authenticated, HandshakeRejected, Authenticator> =>
  Effect.gen(function* () {
    context.phase = "authentication"
    const authenticator = yield* Authenticator
    const { credentials, device } = admitted.params
    return yield* authenticator
      .authenticate({
        credentials,
        nonce: context.nonce,
        connectionId: context.connectionId,
        ...(device === undefined ? {} : { device }),
        ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
        ...(context.origin === undefined ? {} : { origin: context.origin })
      })
      .pipe(
        Effect.tapError((error) =>
          Effect.sync(() => countAuthFailure("ws", error._tag === "Unauthenticated" ? error.reason : error._tag))
        ),
        Effect.mapError(
          (error): HandshakeRejected => ({ requestId: admitted.requestId, error, close: "unauthenticated" })
        )
      )
  })
