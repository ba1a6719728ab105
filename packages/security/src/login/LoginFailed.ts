import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why an interactive login did not produce credentials. The CLI chooses what to tell the user from the
 * reason, never from the message text:
 * - `discovery_failed`: the issuer's discovery document could not be fetched or was invalid.
 * - `listener_failed`: the loopback listener for the browser redirect could not be opened.
 * - `prompt_failed`: the caller's hook that shows the URL or code to the user threw.
 * - `timeout`: the user did not finish in time (no redirect, or the device code's lifetime ran out locally).
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `state_mismatch`: the redirect did not carry the `state` this login sent (a forged or stale redirect).
 * - `access_denied`: the user (or the server's policy) refused the authorization.
 * - `authorization_failed`: the redirect carried another OAuth error (e.g. `invalid_scope`).
 * - `device_authorization_failed`: the server refused to start a device authorization.
 * - `exchange_failed`: the token endpoint refused the code or device code, or answered something invalid.
 * - `expired_token`: the server says the device code expired before the user approved it.
 * - `token_rejected`: an API refused the access token just obtained (HTTP 401).
 * - `api_failed`: an API call needed to build the identity failed (network, non-2xx, undecodable body).
 */
export const LoginFailureReason = Schema.Literals([
  "DiscoveryFailed",
  "ListenerFailed",
  "PromptFailed",
  "Timeout",
  "Aborted",
  "StateMismatch",
  "AccessDenied",
  "AuthorizationFailed",
  "DeviceAuthorizationFailed",
  "ExchangeFailed",
  "ExpiredToken",
  "TokenRejected",
  "ApiFailed"
])
export type LoginFailureReason = typeof LoginFailureReason.Type

/** Which kind of login failed. */
export const LoginProvider = Schema.Literals(["oidc", "github"])
export type LoginProvider = typeof LoginProvider.Type

/**
 * An interactive login failed. `detail` is a short, non-secret explanation (an OAuth error code, an HTTP
 * status); it never contains a token, code or verifier.
 */
export class LoginFailed extends Schema.TaggedError<LoginFailed>()("LoginFailed", {
  provider: LoginProvider,
  reason: LoginFailureReason,
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const who = this.provider === "github" ? "GitHub" : "OIDC"
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `${who} login failed: ${reasonWords(this.reason)}${detail}`
  }
}
