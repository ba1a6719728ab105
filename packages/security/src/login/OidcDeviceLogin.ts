import { type Duration, Effect } from "effect"
import * as client from "openid-client"
import type { DeviceCodePrompt } from "./DeviceCodePrompt.js"
import { abortable } from "./internal/abortable.js"
import { discoverIssuer, scopeOf } from "./internal/discoverIssuer.js"
import { errorDetail, oauthErrorCode } from "./internal/errorDetail.js"
import { type PollOutcome, pollDeviceGrant } from "./internal/pollDeviceGrant.js"
import { runPrompt } from "./internal/runPrompt.js"
import { toLoginTokens } from "./internal/tokenResponse.js"
import { LoginFailed } from "./LoginFailed.js"
import type { LoginTokens } from "./LoginTokens.js"
import type { OidcClientOptions } from "./OidcClientOptions.js"

/** Options of `loginWithDeviceCode`. */
export interface DeviceCodeLoginOptions extends OidcClientOptions {
  /** Shows the user the verification URI and the code to enter. A hook that throws fails with `prompt_failed`. */
  readonly onUserCode: (prompt: DeviceCodePrompt) => void | PromiseLike<void>
  /** Gives up earlier than the device code's own expiry, with `timeout`. */
  readonly timeout?: Duration.Input
}

const deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"

/** One poll of the token endpoint, classified by RFC 8628 §3.5's error codes. */
const pollOnce = (config: client.Configuration, deviceCode: string): Effect.Effect<PollOutcome<unknown>, LoginFailed> =>
  Effect.tryPromise({
    try: () => client.genericGrantRequest(config, deviceCodeGrantType, { device_code: deviceCode }),
    catch: (error) => error
  }).pipe(
    Effect.map((response): PollOutcome<unknown> => ({ _tag: "Done", value: response })),
    Effect.catch((error) => {
      switch (oauthErrorCode(error)) {
        case "authorization_pending":
          return Effect.succeed<PollOutcome<unknown>>({ _tag: "Pending" })
        case "slow_down":
          return Effect.succeed<PollOutcome<unknown>>({ _tag: "SlowDown" })
        case "access_denied":
          return Effect.fail(new LoginFailed({ provider: "oidc", reason: "AccessDenied", detail: errorDetail(error) }))
        case "expired_token":
          return Effect.fail(new LoginFailed({ provider: "oidc", reason: "ExpiredToken", detail: errorDetail(error) }))
        default:
          return Effect.fail(
            new LoginFailed({ provider: "oidc", reason: "ExchangeFailed", detail: errorDetail(error) })
          )
      }
    })
  )

/**
 * Interactive OIDC login with the device authorization grant (RFC 8628), for a terminal without a browser:
 * it asks the issuer for a device code, hands the verification URI and user code to `onUserCode`, then
 * polls the token endpoint at the server's `interval` (slowing down by 5 s on `slow_down`) until the user
 * approves, refuses (`access_denied`), the code expires (`expired_token`, or `timeout` once its lifetime
 * has passed locally), or `signal` fires (`aborted`). Waits use Effect's `Clock`.
 */
export const loginWithDeviceCode = (options: DeviceCodeLoginOptions): Effect.Effect<LoginTokens, LoginFailed> =>
  abortable(
    Effect.gen(function* () {
      const config = yield* discoverIssuer(options)
      const authorization = yield* Effect.tryPromise({
        try: () => client.initiateDeviceAuthorization(config, { scope: scopeOf(options.scopes) }),
        catch: (error) =>
          new LoginFailed({ provider: "oidc", reason: "DeviceAuthorizationFailed", detail: errorDetail(error) })
      })
      yield* runPrompt("oidc", options.onUserCode, {
        verificationUri: authorization.verification_uri,
        ...(authorization.verification_uri_complete === undefined
          ? {}
          : { verificationUriComplete: authorization.verification_uri_complete }),
        userCode: authorization.user_code,
        expiresInSeconds: authorization.expires_in
      })
      const response = yield* pollDeviceGrant({
        provider: "oidc",
        intervalSeconds: authorization.interval,
        expiresInSeconds: authorization.expires_in,
        timeout: options.timeout,
        poll: pollOnce(config, authorization.device_code)
      })
      return yield* toLoginTokens("oidc", response)
    }),
    "oidc",
    options.signal
  )
