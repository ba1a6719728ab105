/** The normalised result of every identity provider, and how its principal id is formed. */

/** Why resolving a GitHub token (or a client-side login) failed, by `reason`; also in `./login`. */
export { LoginFailed, LoginFailureReason, LoginProvider } from "../login/LoginFailed.js"
/**
 * GitHub Actions OIDC token verifier (provider `github-actions`): repository pinned by numeric ids, refs,
 * workflows, events and environments allow-listed, role `ci`.
 */
export {
  defaultGithubActionsEvents,
  GithubActionsVerifierConfig,
  type GithubActionsVerifierOptions,
  githubActionsIssuer,
  githubActionsJwksUrl,
  makeGithubActionsVerifier
} from "./GithubActionsVerifier.js"
/**
 * The identity behind a GitHub user access token, read from the REST API: what a server calls with a token
 * a client obtained (see `loginWithGithubDevice` in `@coderclaw/security/login`). Fails with
 * `LoginFailed` (`token_rejected`, `api_failed`). `defaultGithubApiBaseUrl` is `https://api.github.com`.
 */
export {
  defaultGithubApiBaseUrl,
  type GithubApiOptions,
  type ResolveGithubIdentityOptions,
  resolveGithubIdentity
} from "./GithubIdentity.js"
/** A GitHub organisation/team → role rule (decode configuration with it) and the pure mapping. */
export { type GithubMemberships, GithubRoleRule, githubRoles } from "./GithubRoleRule.js"
/** Google ID-token verifier (provider `google`): both issuer spellings, verified e-mail, optional `hd` pin. */
export {
  GoogleVerifierConfig,
  type GoogleVerifierOptions,
  googleIssuers,
  googleJwksUrl,
  makeGoogleVerifier
} from "./GoogleVerifier.js"
export { Identity, ProviderId, principalIdOf } from "./Identity.js"
/** The interface every token verifier (OIDC, Google, GitHub Actions, …) implements. */
export type { IdentityVerifier } from "./IdentityVerifier.js"
/** A verifier's configuration was malformed or unsafe; raised when the verifier is built. */
export { InvalidVerifierConfig } from "./InvalidVerifierConfig.js"
/** Where a verifier's public keys come from: inline keys or a cached remote JWKS URL. */
export { JwksSource, LocalJwks, RemoteJwks } from "./JwksSource.js"
/**
 * The shared JWT verification core (size, header, algorithm allow-list, signature, `exp`/`iat`/`nbf`,
 * issuer, audience), its configuration schema and limits, for verifiers of other token formats.
 */
export {
  allowedAlgorithms,
  defaultAlgorithms,
  type JwtVerifier,
  JwtVerifierConfig,
  type JwtVerifierOptions,
  jwtLimits,
  jwtPolicyFields,
  makeJwtVerifier,
  OneOrMore,
  type VerifiedJwt
} from "./JwtVerifier.js"
/** Generic OpenID Connect ID-token verifier (provider `oidc`). */
export { makeOidcVerifier, OidcVerifierConfig, type OidcVerifierOptions } from "./OidcVerifier.js"
/** Configured mapping of verified identities to roles (default, per subject, per claim value). */
export { RoleMapping, rolesFor } from "./RoleMapping.js"
/** The server's Ed25519 identity key: proves the server to clients; its id is its session tokens' audience. */
export {
  makeServerIdentity,
  ServerIdentity,
  type ServerIdentityShape,
  serverAudienceOf,
  serverIdentityCheck,
  serverIdentityRecordId,
  verifyServerProof
} from "./ServerIdentity.js"
/** Why a token was refused (`TokenRejected.reason`), and its wire-level `Unauthenticated` equivalent. */
export { TokenRejected, TokenRejectionReason, unauthenticatedFrom } from "./TokenRejected.js"
