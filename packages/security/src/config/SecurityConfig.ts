import { Schema } from "effect"
import { GithubActionsVerifierConfig } from "../identity/GithubActionsVerifier.js"
import { GithubRoleRule } from "../identity/GithubRoleRule.js"
import { GoogleVerifierConfig } from "../identity/GoogleVerifier.js"
import { OidcVerifierConfig } from "../identity/OidcVerifier.js"
import { RoleConfig } from "../rbac/RoleDefinition.js"

const PositiveMs = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

/** How the runtime's own session tokens are issued. */
export const SessionsConfig = Schema.Struct({
  /** The `iss` of session tokens, e.g. the server's public URL or name. */
  issuer: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  /** The `aud` of session tokens. */
  audience: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  /** Lifetime of a session created without an explicit one (ms). Default 1 hour. */
  defaultTtlMs: Schema.optionalKey(PositiveMs),
  /** The longest a session may live (ms). Default 12 hours. */
  maxTtlMs: Schema.optionalKey(PositiveMs)
})
export type SessionsConfig = typeof SessionsConfig.Type

/** Local accounts (scrypt password hashes stored in the runtime's database). */
export const LocalProviderConfig = Schema.Struct({
  minPasswordLength: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(8))))
})

/** GitHub users: OAuth device flow on the client, the user API (org/team → roles) on the server. */
export const GithubProviderConfig = Schema.Struct({
  /** The OAuth app's client id, for `coderclaw login --github`. */
  clientId: Schema.optionalKey(Schema.String),
  rules: Schema.Array(GithubRoleRule),
  apiBaseUrl: Schema.optionalKey(Schema.String),
  baseUrl: Schema.optionalKey(Schema.String)
})

/** Which identity providers the server accepts; a provider not listed here is refused. */
export const ProvidersConfig = Schema.Struct({
  local: Schema.optionalKey(LocalProviderConfig),
  oidc: Schema.optionalKey(Schema.Array(OidcVerifierConfig)),
  google: Schema.optionalKey(GoogleVerifierConfig),
  githubActions: Schema.optionalKey(GithubActionsVerifierConfig),
  github: Schema.optionalKey(GithubProviderConfig)
})
export type ProvidersConfig = typeof ProvidersConfig.Type

/** Device trust settings. */
export const DevicesConfig = Schema.Struct({
  /** How far behind the server clock a proof's `signedAt` may be (ms). Default 60 s. */
  maxClockSkewMs: Schema.optionalKey(PositiveMs),
  /** How far ahead of the server clock a proof's `signedAt` may be (ms). Default 5 s. */
  maxFutureSkewMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  /** How long a pairing request waits for an operator (ms). Default 10 minutes. */
  pairingTtlMs: Schema.optionalKey(PositiveMs),
  /** Pending pairing requests one user may have at once; more are refused (and audited). Default 5. */
  maxPendingPairingsPerUser: Schema.optionalKey(PositiveMs),
  /** Pending pairing requests from one address at once; more are refused (and audited). Default 20. */
  maxPendingPairingsPerAddress: Schema.optionalKey(PositiveMs),
  /** Nonces remembered against replay (each for the freshness window; when full, new proofs wait). Default 50,000. */
  replayCacheSize: Schema.optionalKey(PositiveMs)
})

/**
 * `security.yaml`: identity providers, custom roles, policies and device settings. Unknown keys are
 * refused, so a misspelt setting is an error instead of a silently ignored rule.
 */
export const SecurityConfig = Schema.Struct({
  version: Schema.optionalKey(Schema.Literal(1)),
  sessions: SessionsConfig,
  providers: ProvidersConfig,
  roles: Schema.optionalKey(RoleConfig),
  /** The `policies` section, validated (and its embedded tests run) by the policy engine. */
  policies: Schema.optionalKey(Schema.Unknown),
  devices: Schema.optionalKey(DevicesConfig),
  /** How many policy decisions to cache across sessions. Default 10,000. */
  decisionCacheSize: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))))
})
export type SecurityConfig = typeof SecurityConfig.Type
