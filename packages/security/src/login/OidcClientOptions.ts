import type { Redacted } from "effect"

/**
 * The OIDC client a login runs as, shared by the authorization-code and device logins.
 *
 * `allowInsecureRequests` permits `http://` issuers and endpoints; it exists for a provider on the loopback
 * interface (tests, local development) and must stay off for real issuers, whose tokens would otherwise
 * travel in clear. `fetch` replaces the global `fetch` for every request the login makes (proxies, tests).
 */
export interface OidcClientOptions {
  /** The issuer identifier; its discovery document is read from `/.well-known/openid-configuration`. */
  readonly issuer: string
  readonly clientId: string
  /** Only for confidential clients; CLIs are normally public clients and rely on PKCE instead. */
  readonly clientSecret?: string | Redacted.Redacted<string>
  /** Scopes to ask for; `openid` is always added. Default `openid profile email`. */
  readonly scopes?: ReadonlyArray<string>
  readonly allowInsecureRequests?: boolean
  readonly fetch?: typeof globalThis.fetch
  /** Aborting it ends the login with `LoginFailed` (`aborted`). Interrupting the effect works as well. */
  readonly signal?: AbortSignal
}
