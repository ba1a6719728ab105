import {
  type Authenticated,
  type AuthenticationRequest,
  type AuthenticatorShape,
  makeDecoder,
  Principal as PrincipalSchema,
  Unauthenticated
} from "@coderclaw/protocol"
import { Context, Effect, Layer, Result } from "effect"

export type { Authenticated, AuthenticationRequest, AuthenticatorShape }

const decodeClaimedPrincipal = makeDecoder(PrincipalSchema, "claimed principal")

/** The authentication service. */
export class Authenticator extends Context.Service<Authenticator, AuthenticatorShape>()(
  "@coderclaw/runtime/Authenticator"
) {
  /** Refuses every connection: the safe default for a server whose authentication is not configured yet. */
  static readonly denyAll: Layer.Layer<Authenticator> = Layer.succeed(
    Authenticator,
    Authenticator.of({ authenticate: () => Effect.fail(new Unauthenticated({ reason: "invalid_credentials" })) })
  )

  /**
   * INSECURE, for development on your own machine only: accepts `development` credentials and believes the
   * principal they claim, roles included; refuses every other kind of credentials. There is no default that
   * falls back to it: a server runs it only when this layer is provided by name, and building the layer logs
   * a warning so it cannot go unnoticed in a deployment.
   */
  static readonly insecureDevelopment: Layer.Layer<Authenticator> = Layer.effect(
    Authenticator,
    Effect.gen(function* () {
      yield* Effect.logWarning(
        "coderClaw: the insecure development authenticator is on; any client can claim to be anyone. Never expose this server."
      )
      return Authenticator.of({
        authenticate: ({ credentials }) => {
          if (credentials.type !== "development")
            return Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
          const claimed = decodeClaimedPrincipal(credentials.principal)
          return Result.isSuccess(claimed)
            ? Effect.succeed({ principal: claimed.success })
            : Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
        }
      })
    })
  )
}
