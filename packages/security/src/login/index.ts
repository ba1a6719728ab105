/**
 * `@coderclaw/security/login`: interactive logins for clients. OIDC (authorization code + PKCE through a
 * loopback redirect, or the device authorization grant) and GitHub users (OAuth device flow, memberships
 * mapped to roles). They obtain credentials; the server verifies them with what the package root exports
 * (`resolveGithubIdentity`, the token verifiers). A separate entry point, so servers that never run a
 * login do not load `openid-client` and the loopback listener.
 *
 * @module
 */

/** The GitHub organisation/team → role rules a GitHub login maps memberships with (also at the root). */
export { type GithubMemberships, GithubRoleRule, githubRoles } from "../identity/GithubRoleRule.js"
/** What the user is shown during a device login: where to go and the code to enter. */
export type { DeviceCodePrompt } from "./DeviceCodePrompt.js"
/**
 * GitHub login with the OAuth device flow: returns the `Identity` (keyed on the numeric user id, roles
 * from the rules) and the access token. `defaultGithubBaseUrl` is `https://github.com`.
 */
export {
  defaultGithubBaseUrl,
  type GithubDeviceLoginOptions,
  type GithubLogin,
  loginWithGithubDevice
} from "./GithubDeviceLogin.js"
/** The typed failure of every login, with its `reason` union and the provider that failed. */
export { LoginFailed, LoginFailureReason, LoginProvider } from "./LoginFailed.js"
/** The tokens an OIDC login obtained, `Redacted`, with an absolute expiry. */
export { LoginTokens } from "./LoginTokens.js"
/** OIDC login in a browser: authorization code, PKCE (S256), `state` and `nonce`, loopback redirect. */
export { type AuthorizationCodeLoginOptions, loginWithAuthorizationCode } from "./OidcAuthorizationCodeLogin.js"
/** The OIDC client a login runs as (issuer, client id, scopes, HTTP settings, abort signal). */
export type { OidcClientOptions } from "./OidcClientOptions.js"
/** OIDC login without a browser on this machine: the device authorization grant (RFC 8628). */
export { type DeviceCodeLoginOptions, loginWithDeviceCode } from "./OidcDeviceLogin.js"
