import { Clock, Effect, Redacted, Schema } from "effect"
import { LoginFailed, type LoginProvider } from "../LoginFailed.js"
import type { LoginTokens } from "../LoginTokens.js"

/** The fields of an RFC 6749 token response that a login keeps. */
const TokenEndpointResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  token_type: Schema.String,
  id_token: Schema.optionalKey(Schema.NonEmptyString),
  refresh_token: Schema.optionalKey(Schema.NonEmptyString),
  scope: Schema.optionalKey(Schema.String),
  expires_in: Schema.optionalKey(Schema.Number.pipe(Schema.check(Schema.isFinite(), Schema.isGreaterThanOrEqualTo(0))))
})

const decodeTokenResponse = Schema.decodeUnknownEffect(TokenEndpointResponse)

/**
 * Turns a token endpoint response into `LoginTokens`, wrapping every token in `Redacted` and turning the
 * relative `expires_in` into an absolute time read from the `Clock`.
 */
export const toLoginTokens = (provider: LoginProvider, response: unknown): Effect.Effect<LoginTokens, LoginFailed> =>
  Effect.gen(function* () {
    const decoded = yield* decodeTokenResponse(response).pipe(
      Effect.mapError(
        () => new LoginFailed({ provider, reason: "ExchangeFailed", detail: "token response is missing or invalid" })
      )
    )
    const now = yield* Clock.currentTimeMillis
    return {
      accessToken: Redacted.make(decoded.access_token),
      tokenType: decoded.token_type.toLowerCase(),
      ...(decoded.id_token === undefined ? {} : { idToken: Redacted.make(decoded.id_token) }),
      ...(decoded.refresh_token === undefined ? {} : { refreshToken: Redacted.make(decoded.refresh_token) }),
      ...(decoded.scope === undefined ? {} : { scope: decoded.scope }),
      ...(decoded.expires_in === undefined ? {} : { expiresAt: now + decoded.expires_in * 1000 })
    }
  })
