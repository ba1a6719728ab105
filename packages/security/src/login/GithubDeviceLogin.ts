import { type Duration, Effect, Redacted, Schema } from "effect"
import {
  defaultGithubApiBaseUrl,
  defaultGithubUserAgent,
  type GithubApiOptions,
  resolveWithHttp
} from "../identity/GithubIdentity.js"
import type { GithubRoleRule } from "../identity/GithubRoleRule.js"
import type { Identity } from "../identity/Identity.js"
import { type GithubHttp, requestJson, trimSlash } from "../identity/internal/githubHttp.js"
import type { DeviceCodePrompt } from "./DeviceCodePrompt.js"
import { abortable } from "./internal/abortable.js"
import { type PollOutcome, pollDeviceGrant } from "./internal/pollDeviceGrant.js"
import { runPrompt } from "./internal/runPrompt.js"
import { LoginFailed } from "./LoginFailed.js"

/** Options of `loginWithGithubDevice`. */
export interface GithubDeviceLoginOptions extends GithubApiOptions {
  /** The OAuth app's (or GitHub App's) client id; the device flow must be enabled for it. */
  readonly clientId: string
  /** Default `read:user read:org`; `read:org` is what lets private organisation memberships be seen. */
  readonly scopes?: ReadonlyArray<string>
  /** How organisation and team memberships map to roles. */
  readonly rules: ReadonlyArray<GithubRoleRule>
  /** Default `https://github.com`; for GitHub Enterprise Server, `https://<host>`. */
  readonly baseUrl?: string
  /** Shows the user the verification URI and the code to enter. A hook that throws fails with `prompt_failed`. */
  readonly onUserCode: (prompt: DeviceCodePrompt) => void | PromiseLike<void>
  /** Gives up earlier than the device code's own expiry, with `timeout`. */
  readonly timeout?: Duration.Input
  /** Aborting it ends the login with `LoginFailed` (`aborted`). Interrupting the effect works as well. */
  readonly signal?: AbortSignal
}

/** What a GitHub login yields: the identity and the token it was read with. */
export interface GithubLogin {
  readonly identity: Identity
  /** The user access token, for a server that resolves the identity itself (`resolveGithubIdentity`). */
  readonly accessToken: Redacted.Redacted<string>
  /** The scopes GitHub actually granted (the user may grant fewer than asked). */
  readonly scope: string
}

export const defaultGithubBaseUrl = "https://github.com"
const defaultScopes = ["read:user", "read:org"]
const deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"

const DeviceCodeResponse = Schema.Struct({
  device_code: Schema.NonEmptyString,
  user_code: Schema.NonEmptyString,
  verification_uri: Schema.NonEmptyString,
  expires_in: Schema.Number.pipe(Schema.check(Schema.isGreaterThan(0))),
  interval: Schema.optionalKey(Schema.Number)
})

/** GitHub answers every poll with HTTP 200: either a token or an `error` (RFC 8628 codes plus its own). */
const TokenPollResponse = Schema.Struct({
  access_token: Schema.optionalKey(Schema.NonEmptyString),
  token_type: Schema.optionalKey(Schema.String),
  scope: Schema.optionalKey(Schema.String),
  error: Schema.optionalKey(Schema.String),
  error_description: Schema.optionalKey(Schema.String),
  interval: Schema.optionalKey(Schema.Number)
})

interface GrantedToken {
  readonly accessToken: string
  readonly scope: string
}

const failed = (reason: LoginFailed["reason"], detail: string) =>
  new LoginFailed({ provider: "github", reason, detail: detail.slice(0, 200) })

const describe = (error: string, description: string | undefined): string =>
  description === undefined ? error : `${error} (${description})`

const pollOnce = (
  http: GithubHttp,
  baseUrl: string,
  clientId: string,
  deviceCode: string
): Effect.Effect<PollOutcome<GrantedToken>, LoginFailed> =>
  Effect.gen(function* () {
    const response = yield* requestJson(
      http,
      `${baseUrl}/login/oauth/access_token`,
      {
        method: "POST",
        form: new URLSearchParams({ client_id: clientId, device_code: deviceCode, grant_type: deviceCodeGrantType })
      },
      "ExchangeFailed"
    )
    if (response.status < 200 || response.status >= 300) {
      return yield* Effect.fail(failed("ExchangeFailed", `HTTP ${response.status}`))
    }
    const body = yield* Schema.decodeUnknownEffect(TokenPollResponse)(response.body).pipe(
      Effect.mapError(() => failed("ExchangeFailed", "unexpected token response"))
    )
    if (body.error !== undefined) {
      const detail = describe(body.error, body.error_description)
      switch (body.error) {
        case "authorization_pending":
          return { _tag: "Pending" } as const
        case "slow_down":
          return { _tag: "SlowDown", interval: body.interval } as const
        case "access_denied":
          return yield* Effect.fail(failed("AccessDenied", detail))
        case "expired_token":
          return yield* Effect.fail(failed("ExpiredToken", detail))
        default:
          return yield* Effect.fail(failed("ExchangeFailed", detail))
      }
    }
    if (body.access_token === undefined) {
      return yield* Effect.fail(failed("ExchangeFailed", "token response without access_token"))
    }
    return { _tag: "Done", value: { accessToken: body.access_token, scope: body.scope ?? "" } } as const
  })

/**
 * Interactive GitHub login for a CLI with the OAuth device flow (GitHub users have no OIDC): requests a
 * device code, hands the verification URI and user code to `onUserCode`, polls for the token at GitHub's
 * `interval` (5 s slower after each `slow_down`), then reads the user and their organisation/team
 * memberships and maps them to roles with `rules`. The identity is keyed on the numeric user id. Failures:
 * `device_authorization_failed`, `access_denied`, `expired_token`, `timeout`, `aborted`, `exchange_failed`,
 * `token_rejected`, `api_failed`. Waits use Effect's `Clock`.
 */
export const loginWithGithubDevice = (options: GithubDeviceLoginOptions): Effect.Effect<GithubLogin, LoginFailed> => {
  const http: GithubHttp = {
    fetch: options.fetch ?? globalThis.fetch,
    userAgent: options.userAgent ?? defaultGithubUserAgent
  }
  const baseUrl = trimSlash(options.baseUrl ?? defaultGithubBaseUrl)
  const apiBaseUrl = trimSlash(options.apiBaseUrl ?? defaultGithubApiBaseUrl)
  return abortable(
    Effect.gen(function* () {
      const response = yield* requestJson(
        http,
        `${baseUrl}/login/device/code`,
        {
          method: "POST",
          form: new URLSearchParams({ client_id: options.clientId, scope: (options.scopes ?? defaultScopes).join(" ") })
        },
        "DeviceAuthorizationFailed"
      )
      const body = response.body as { readonly error?: unknown; readonly error_description?: unknown } | undefined
      if (response.status < 200 || response.status >= 300 || typeof body?.error === "string") {
        const detail =
          typeof body?.error === "string"
            ? describe(body.error, typeof body.error_description === "string" ? body.error_description : undefined)
            : `HTTP ${response.status}`
        return yield* Effect.fail(failed("DeviceAuthorizationFailed", detail))
      }
      const authorization = yield* Schema.decodeUnknownEffect(DeviceCodeResponse)(body).pipe(
        Effect.mapError(() => failed("DeviceAuthorizationFailed", "unexpected device code response"))
      )
      yield* runPrompt("github", options.onUserCode, {
        verificationUri: authorization.verification_uri,
        userCode: authorization.user_code,
        expiresInSeconds: authorization.expires_in
      })
      const token = yield* pollDeviceGrant({
        provider: "github",
        intervalSeconds: authorization.interval,
        expiresInSeconds: authorization.expires_in,
        timeout: options.timeout,
        poll: pollOnce(http, baseUrl, options.clientId, authorization.device_code)
      })
      const identity = yield* resolveWithHttp(http, apiBaseUrl, token.accessToken, options.rules)
      return { identity, accessToken: Redacted.make(token.accessToken), scope: token.scope }
    }),
    "github",
    options.signal
  )
}
