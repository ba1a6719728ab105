import { Effect, Result, Schema } from "effect"
import { type Identity, ProviderId, principalIdOf } from "./Identity.js"
import type { IdentityVerifier } from "./IdentityVerifier.js"
import type { InvalidVerifierConfig } from "./InvalidVerifierConfig.js"
import { checkAuthorizedParty } from "./internal/checkAuthorizedParty.js"
import { makeClaimsDecoder } from "./internal/decodeClaims.js"
import { makeConfigDecoder } from "./internal/decodeConfig.js"
import { displayNameFrom, namespaceFor, subjectFor } from "./internal/identityParts.js"
import { JwksSource } from "./JwksSource.js"
import { jwtPolicyFields, makeJwtVerifier, OneOrMore, type VerifiedJwt } from "./JwtVerifier.js"
import { RoleMapping, rolesFor } from "./RoleMapping.js"
import type { TokenRejected } from "./TokenRejected.js"

/**
 * Configuration of a generic OpenID Connect ID-token verifier:
 *
 * - `id`: the provider id naming this issuer's namespace in principal ids (`oidc:<id>:<sub>`); without
 *   it the namespace is derived from the token's `iss` (`oidc:iss.<digest>:<sub>`). Give an issuer that
 *   has several spellings an `id`, so all of them name the same users.
 * - `issuer`: the accepted `iss` value(s), compared exactly (list every spelling the issuer uses).
 * - `audience`: the accepted client id(s); the token's `aud` must contain one of them, and its `azp` (required
 *   when `aud` lists several audiences) must be one of them.
 * - `jwks`: the issuer's keys, inline or by URL (see `JwksSource`).
 * - `roles`: how identities get roles (see `RoleMapping`); none by default.
 * - the shared JWT settings (`algorithms`, `clockSkewSeconds`, `maxTokenLength`, `maxTokenAgeSeconds`).
 */
export const OidcVerifierConfig = Schema.Struct({
  id: Schema.optionalKey(ProviderId),
  issuer: OneOrMore,
  audience: OneOrMore,
  jwks: JwksSource,
  roles: Schema.optionalKey(RoleMapping),
  ...jwtPolicyFields
})
export type OidcVerifierConfig = typeof OidcVerifierConfig.Type

/** `OidcVerifierConfig` plus `now` (ms since the epoch; defaults to Effect's `Clock`). */
export type OidcVerifierOptions = OidcVerifierConfig & { readonly now?: () => number }

const OidcClaims = Schema.Struct({
  iss: Schema.String,
  sub: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(255))),
  name: Schema.optionalKey(Schema.String),
  preferred_username: Schema.optionalKey(Schema.String),
  email: Schema.optionalKey(Schema.String),
  // Some issuers send "true" as a string; only the boolean `true` counts as verified.
  email_verified: Schema.optionalKey(Schema.Unknown)
})

const decodeOidcClaims = makeClaimsDecoder("oidc", OidcClaims, ["iss", "sub"])
const decodeOidcConfig = makeConfigDecoder("oidc", OidcVerifierConfig)

/**
 * Builds a verifier for ID tokens of one OpenID Connect issuer. The identity is keyed on the issuer and
 * `sub` (`principalId` = `oidc:<namespace>:<sub>`, the namespace being the configured `id` or a digest
 * of `iss`; see `subjectFor` for subjects outside the principal-id alphabet);
 * `displayName` is `name` or else `preferred_username`; `email` is kept only when `email_verified` is
 * `true`, so an unverified address can never stand for a person; `attributes.issuer` records `iss`.
 *
 * `sub` is unique per issuer only, so two issuers' users with the same `sub` are two principals.
 */
export const makeOidcVerifier = (
  options: OidcVerifierOptions
): Effect.Effect<IdentityVerifier, InvalidVerifierConfig> =>
  Effect.gen(function* () {
    const { now, ...input } = options
    const config = yield* decodeOidcConfig(input)
    const { roles, id, ...jwtConfig } = config
    const jwt = yield* makeJwtVerifier("oidc", jwtConfig, {
      ...(now === undefined ? {} : { now }),
      requiredClaims: ["sub"]
    })

    const toIdentity = (verified: VerifiedJwt): Effect.Effect<Identity, TokenRejected> => {
      const decoded = decodeOidcClaims(verified.claims)
      if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
      const unauthorizedParty = checkAuthorizedParty("oidc", verified.claims, config.audience)
      if (unauthorizedParty !== undefined) return Effect.fail(unauthorizedParty)
      const claims = decoded.success
      const namespace = namespaceFor(id, claims.iss)
      const subject = subjectFor("oidc", claims.sub, namespace)
      const displayName = displayNameFrom(claims.name, claims.preferred_username)
      const identity: Identity = {
        provider: "oidc",
        subject,
        principalId: principalIdOf("oidc", subject, namespace),
        ...(displayName === undefined ? {} : { displayName }),
        ...(claims.email !== undefined && claims.email_verified === true ? { email: claims.email } : {}),
        roles: rolesFor(roles, claims.sub, verified.claims),
        attributes: { issuer: claims.iss }
      }
      return Effect.succeed(identity)
    }

    return {
      provider: "oidc",
      verify: (token: string) => Effect.flatMap(jwt.verify(token), toIdentity)
    } satisfies IdentityVerifier
  })
