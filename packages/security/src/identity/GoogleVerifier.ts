import { Effect, Result, Schema } from "effect"
import { type Identity, principalIdOf } from "./Identity.js"
import type { IdentityVerifier } from "./IdentityVerifier.js"
import type { InvalidVerifierConfig } from "./InvalidVerifierConfig.js"
import { makeClaimsDecoder } from "./internal/decodeClaims.js"
import { makeConfigDecoder } from "./internal/decodeConfig.js"
import { displayNameFrom, subjectFor } from "./internal/identityParts.js"
import { JwksSource } from "./JwksSource.js"
import { jwtPolicyFields, makeJwtVerifier, OneOrMore, type VerifiedJwt } from "./JwtVerifier.js"
import { RoleMapping, rolesFor } from "./RoleMapping.js"
import { TokenRejected } from "./TokenRejected.js"

/** Both spellings Google uses for `iss` in its ID tokens; each is accepted. */
export const googleIssuers: ReadonlyArray<string> = ["https://accounts.google.com", "accounts.google.com"]

/** Where Google publishes the keys that sign its ID tokens. */
export const googleJwksUrl = "https://www.googleapis.com/oauth2/v3/certs"

/**
 * Configuration of the Google ID-token verifier:
 *
 * - `clientId`: your OAuth client id(s); the token's `aud` must contain one.
 * - `hostedDomain`: when set, only Google Workspace accounts of these domains (the `hd` claim, compared
 *   case-insensitively) are accepted; personal accounts carry no `hd` and are refused.
 * - `jwks`: defaults to Google's key set at `googleJwksUrl`; replace it to pin keys or to test.
 * - `roles`: how identities get roles (see `RoleMapping`; `subjects` are Google `sub` values).
 * - the shared JWT settings; `algorithms` defaults to `["RS256"]`, the only algorithm Google uses.
 */
export const GoogleVerifierConfig = Schema.Struct({
  clientId: OneOrMore,
  hostedDomain: Schema.optionalKey(OneOrMore),
  jwks: Schema.optionalKey(JwksSource),
  roles: Schema.optionalKey(RoleMapping),
  ...jwtPolicyFields
})
export type GoogleVerifierConfig = typeof GoogleVerifierConfig.Type

/** `GoogleVerifierConfig` plus `now` (ms since the epoch; defaults to Effect's `Clock`). */
export type GoogleVerifierOptions = GoogleVerifierConfig & { readonly now?: () => number }

const GoogleClaims = Schema.Struct({
  sub: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(255))),
  email: Schema.String.pipe(Schema.check(Schema.isMinLength(3))),
  email_verified: Schema.Boolean,
  hd: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String)
})

const decodeGoogleClaims = makeClaimsDecoder("google", GoogleClaims, ["sub", "email", "email_verified"])
const decodeGoogleConfig = makeConfigDecoder("google", GoogleVerifierConfig)

const refuse = (claim: string, detail: string) =>
  Effect.fail(new TokenRejected({ provider: "google", reason: "ClaimNotAllowed", claim, detail }))

/**
 * Builds a verifier for Google ID tokens. Beyond the OIDC checks, `email_verified` must be `true`
 * (`false` is refused as `claim_not_allowed`, absence as `missing_claim`), and with `hostedDomain` the
 * `hd` claim must name one of the configured domains. Users are keyed on Google's `sub`
 * (`principalId` = `google:<sub>`), never on the e-mail address, which can change hands.
 */
export const makeGoogleVerifier = (
  options: GoogleVerifierOptions
): Effect.Effect<IdentityVerifier, InvalidVerifierConfig> =>
  Effect.gen(function* () {
    const { now, ...input } = options
    const config = yield* decodeGoogleConfig(input)
    const { clientId, hostedDomain, jwks, roles, algorithms, ...policy } = config
    const jwt = yield* makeJwtVerifier(
      "google",
      {
        issuer: googleIssuers,
        audience: clientId,
        jwks: jwks ?? { url: googleJwksUrl },
        algorithms: algorithms ?? ["RS256"],
        ...policy
      },
      { ...(now === undefined ? {} : { now }), requiredClaims: ["sub"] }
    )
    const domains =
      hostedDomain === undefined
        ? undefined
        : new Set((typeof hostedDomain === "string" ? [hostedDomain] : hostedDomain).map((d) => d.toLowerCase()))

    const toIdentity = (verified: VerifiedJwt): Effect.Effect<Identity, TokenRejected> => {
      const decoded = decodeGoogleClaims(verified.claims)
      if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
      const claims = decoded.success
      if (claims.email_verified !== true) return refuse("email_verified", "the e-mail address is not verified")
      if (domains !== undefined) {
        if (claims.hd === undefined) {
          return Effect.fail(
            new TokenRejected({
              provider: "google",
              reason: "MissingClaim",
              claim: "hd",
              detail: "a hosted domain is required and the account has none"
            })
          )
        }
        if (!domains.has(claims.hd.toLowerCase())) return refuse("hd", "the account belongs to another hosted domain")
      }
      const subject = subjectFor("google", claims.sub)
      const displayName = displayNameFrom(claims.name, claims.email)
      return Effect.succeed({
        provider: "google",
        subject,
        principalId: principalIdOf("google", subject),
        ...(displayName === undefined ? {} : { displayName }),
        email: claims.email,
        roles: rolesFor(roles, claims.sub, verified.claims),
        attributes: { email_verified: true, ...(claims.hd === undefined ? {} : { hd: claims.hd }) }
      })
    }

    return {
      provider: "google",
      verify: (token: string) => Effect.flatMap(jwt.verify(token), toIdentity)
    } satisfies IdentityVerifier
  })
