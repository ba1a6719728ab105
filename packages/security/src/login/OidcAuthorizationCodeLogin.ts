import { type Duration, Effect } from "effect"
import * as client from "openid-client"
import { abortable } from "./internal/abortable.js"
import { discoverIssuer, scopeOf } from "./internal/discoverIssuer.js"
import { errorDetail } from "./internal/errorDetail.js"
import { type LoopbackCallback, openLoopbackListener } from "./internal/loopbackListener.js"
import { runPrompt } from "./internal/runPrompt.js"
import { toLoginTokens } from "./internal/tokenResponse.js"
import { LoginFailed } from "./LoginFailed.js"
import type { LoginTokens } from "./LoginTokens.js"
import type { OidcClientOptions } from "./OidcClientOptions.js"

/** Options of `loginWithAuthorizationCode`. */
export interface AuthorizationCodeLoginOptions extends OidcClientOptions {
  /**
   * Shows the user the URL to open: print it, open a browser, or both. Called once the loopback listener
   * is ready; it should return promptly (start the browser, do not wait for it), since the login only
   * starts waiting for the redirect once the hook returns. A hook that throws fails the login with
   * `prompt_failed`.
   */
  readonly onAuthorizationUrl: (url: URL) => void | PromiseLike<void>
  /** How long to wait for the browser to come back. Default 5 minutes. */
  readonly timeout?: Duration.Input
  /**
   * The loopback port. Default 0 (any free port), which RFC 8252 §7.3 requires providers to accept for
   * loopback redirect URIs; set it only for a provider that insists on a registered port.
   */
  readonly port?: number
  /** The path of the redirect URI. Default `/callback`. */
  readonly redirectPath?: string
  /** Extra authorization request parameters (`prompt`, `login_hint`, `audience`…). Cannot override ours. */
  readonly authorizationParameters?: Readonly<Record<string, string>>
}

const defaultTimeout: Duration.Input = "5 minutes"

const fail = (reason: LoginFailed["reason"], detail?: string) =>
  Effect.fail(new LoginFailed({ provider: "oidc", reason, ...(detail === undefined ? {} : { detail }) }))

/**
 * Checks the redirect before anything is sent to the token endpoint: the `state` must be the one this login
 * generated (else the redirect was forged or belongs to another login), then an OAuth error is reported
 * under its own reason.
 */
const checkRedirect = (url: URL, expectedState: string): Effect.Effect<void, LoginFailed> => {
  const params = url.searchParams
  if (params.get("state") !== expectedState) return fail("StateMismatch")
  const error = params.get("error")
  if (error !== null) {
    const description = params.get("error_description")
    const detail = description === null ? error : `${error} (${description.slice(0, 200)})`
    return fail(error === "access_denied" ? "AccessDenied" : "AuthorizationFailed", detail)
  }
  if (params.get("code") === null) return fail("AuthorizationFailed", "the redirect carries no code")
  return Effect.void
}

const browserText = (error: LoginFailed): string => {
  switch (error.reason) {
    case "StateMismatch":
      return "This redirect does not belong to the login in progress. Start the login again from the terminal."
    case "AccessDenied":
      return "The authorization was refused."
    default:
      return "The login could not be completed. See the terminal for details."
  }
}

/**
 * Interactive OIDC login with the authorization code flow, PKCE (S256), `state` and `nonce`, for a CLI.
 * It discovers the issuer, opens a one-shot listener on 127.0.0.1, hands the authorization URL to
 * `onAuthorizationUrl`, waits (up to `timeout`) for the browser's redirect, checks `state`, exchanges the
 * code with the PKCE verifier and returns the tokens. The browser is answered with a page saying how the
 * login ended; the listener is closed whatever happens. The ID token's signature is checked by the
 * server's verifier, not here.
 */
export const loginWithAuthorizationCode = (
  options: AuthorizationCodeLoginOptions
): Effect.Effect<LoginTokens, LoginFailed> =>
  abortable(
    Effect.scoped(
      Effect.gen(function* () {
        const config = yield* discoverIssuer(options)
        const listener = yield* openLoopbackListener({
          port: options.port ?? 0,
          path: options.redirectPath ?? "/callback"
        })
        const codeVerifier = client.randomPKCECodeVerifier()
        const codeChallenge = yield* Effect.promise(() => client.calculatePKCECodeChallenge(codeVerifier))
        const state = client.randomState()
        const nonce = client.randomNonce()
        const url = client.buildAuthorizationUrl(config, {
          ...options.authorizationParameters,
          response_type: "code",
          redirect_uri: listener.redirectUri,
          scope: scopeOf(options.scopes),
          code_challenge: codeChallenge,
          code_challenge_method: "S256",
          state,
          nonce
        })
        yield* runPrompt("oidc", options.onAuthorizationUrl, url)

        const callback: LoopbackCallback = yield* Effect.timeoutOrElse(listener.callback, {
          duration: options.timeout ?? defaultTimeout,
          orElse: () => fail("Timeout", "no redirect from the browser")
        })
        const exchange = Effect.gen(function* () {
          yield* checkRedirect(callback.url, state)
          // The redirect URL is rebuilt on our own origin: openid-client sends it (without the query) as
          // the token request's `redirect_uri`, which must equal the one in the authorization request.
          const currentUrl = new URL(`${listener.redirectUri}${callback.url.search}`)
          const response = yield* Effect.tryPromise({
            try: () =>
              client.authorizationCodeGrant(config, currentUrl, {
                pkceCodeVerifier: codeVerifier,
                expectedState: state,
                expectedNonce: nonce
              }),
            catch: (error) =>
              new LoginFailed({ provider: "oidc", reason: "ExchangeFailed", detail: errorDetail(error) })
          })
          return yield* toLoginTokens("oidc", response)
        })
        return yield* exchange.pipe(
          Effect.tap(() =>
            Effect.sync(() =>
              callback.respond("success", "You are signed in. You can close this window and return to the terminal.")
            )
          ),
          Effect.tapError((error) => Effect.sync(() => callback.respond("failure", browserText(error))))
        )
      })
    ),
    "oidc",
    options.signal
  )
