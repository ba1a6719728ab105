import type { IdentityProvider } from "@coderclaw/protocol"
import { Clock, Effect, Result, Schema } from "effect"
import { type JWTHeaderParameters, type JWTPayload, type JWTVerifyOptions, jwtVerify } from "jose"
import { InvalidVerifierConfig } from "./InvalidVerifierConfig.js"
import { makeConfigDecoder } from "./internal/decodeConfig.js"
import { guardKeyResolver, rejectionFromJose } from "./internal/rejectionFromJose.js"
import { JwksSource, keyResolverFor } from "./JwksSource.js"
import { TokenRejected } from "./TokenRejected.js"

/** Signature algorithms a verifier may be configured with: asymmetric ones only. */
export const allowedAlgorithms = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519"
] as const

/** The algorithm allow-list used when a configuration names none. */
export const defaultAlgorithms: ReadonlyArray<string> = ["RS256", "ES256", "EdDSA"]

/** Bounds and defaults of the numeric settings, in the units their names say. */
export const jwtLimits = {
  defaultClockSkewSeconds: 60,
  maxClockSkewSeconds: 300,
  defaultMaxTokenLength: 8_192,
  minMaxTokenLength: 256,
  maxMaxTokenLength: 65_536,
  defaultMaxTokenAgeSeconds: 86_400
} as const

const NonEmptyString = Schema.String.pipe(Schema.check(Schema.isMinLength(1)))

/** One value or a non-empty list of values (issuers, audiences, domains). */
export const OneOrMore = Schema.Union([
  NonEmptyString,
  Schema.Array(NonEmptyString).pipe(Schema.check(Schema.isMinLength(1)))
])
export type OneOrMore = typeof OneOrMore.Type

/**
 * The settings every JWT-based verifier shares (spread into each provider's configuration schema):
 *
 * - `jwks`: where the public keys come from (inline or a URL, see `JwksSource`).
 * - `algorithms`: the allow-list (default RS256, ES256, EdDSA); `none` and `HS*` are refused as
 *   configuration, so a shared secret can never stand in for a public key.
 * - `clockSkewSeconds`: tolerance for `exp`, `nbf` and `iat` (default 60, at most 300).
 * - `maxTokenLength`: longer tokens are refused before any parsing (default 8 KiB).
 * - `maxTokenAgeSeconds`: `iat` may be at most this old (default one day), whatever `exp` says.
 */
export const jwtPolicyFields = {
  algorithms: Schema.optionalKey(Schema.Array(Schema.String)),
  clockSkewSeconds: Schema.optionalKey(
    Schema.Int.pipe(
      Schema.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThanOrEqualTo(jwtLimits.maxClockSkewSeconds))
    )
  ),
  maxTokenLength: Schema.optionalKey(
    Schema.Int.pipe(
      Schema.check(
        Schema.isGreaterThanOrEqualTo(jwtLimits.minMaxTokenLength),
        Schema.isLessThanOrEqualTo(jwtLimits.maxMaxTokenLength)
      )
    )
  ),
  maxTokenAgeSeconds: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))))
}

/** Configuration of a generic JWT verifier: who issues, for whom, with which keys and limits. */
export const JwtVerifierConfig = Schema.Struct({
  issuer: OneOrMore,
  audience: OneOrMore,
  jwks: JwksSource,
  ...jwtPolicyFields
})
export type JwtVerifierConfig = typeof JwtVerifierConfig.Type

/** What is not configuration data: code-level options of a verifier. */
export interface JwtVerifierOptions {
  /** "Now" in milliseconds since the epoch; defaults to Effect's `Clock` (so `TestClock` works). */
  readonly now?: () => number
  /** Claims that must be present besides `exp` and `iat` (e.g. `sub`). */
  readonly requiredClaims?: ReadonlyArray<string>
}

/** A token whose signature, algorithm, issuer, audience and times have been checked. */
export interface VerifiedJwt {
  readonly header: JWTHeaderParameters
  readonly claims: JWTPayload
}

/**
 * The cryptographic half of every token verifier: checks shape, size, header, signature and registered
 * claims, and hands back the claims for the provider's own rules. Exposed so other token formats signed
 * with the same discipline (e.g. our own session tokens) can reuse it.
 */
export interface JwtVerifier {
  readonly provider: IdentityProvider
  verify(token: string): Effect.Effect<VerifiedJwt, TokenRejected>
}

/** Header parameters that carry or point at a key; keys must come only from the configured JWKS. */
const keyBearingHeaders = ["jwk", "jku", "x5u", "x5c"] as const

const base64url = /^[A-Za-z0-9_-]+$/

const JwsHeader = Schema.Struct({
  alg: Schema.String,
  kid: Schema.optionalKey(Schema.String),
  typ: Schema.optionalKey(Schema.String)
})
const decodeHeader = Schema.decodeUnknownResult(JwsHeader)

const algorithmIssues = (algorithms: ReadonlyArray<string>): Array<string> => {
  if (algorithms.length === 0) return ["algorithms: must name at least one algorithm"]
  const allowed = new Set<string>(allowedAlgorithms)
  return algorithms.flatMap((alg) => {
    if (alg.toLowerCase() === "none") return [`algorithms: "none" (unsigned tokens) is never accepted`]
    if (/^HS\d+$/i.test(alg)) return [`algorithms: ${alg} is a shared-secret algorithm and is never accepted`]
    return allowed.has(alg) ? [] : [`algorithms: ${alg} is not a supported signature algorithm`]
  })
}

const asList = (value: OneOrMore): Array<string> => (typeof value === "string" ? [value] : [...value])

/**
 * Checks a token's outer form before jose sees it: size first (so an oversized token costs nothing),
 * then three parts and a JSON header that names an allowed algorithm and no key of its own, then a
 * base64url payload and a non-empty signature. Returns the rejection, or `undefined` when the token may go on to signature checks.
 */
const precheck = (
  provider: IdentityProvider,
  token: string,
  maxTokenLength: number,
  algorithms: ReadonlySet<string>
): TokenRejected | undefined => {
  const malformed = (detail: string, claim?: string) =>
    new TokenRejected({ provider, reason: "Malformed", detail, ...(claim === undefined ? {} : { claim }) })
  if (typeof token !== "string" || token.length === 0) return malformed("the token is empty")
  if (token.length > maxTokenLength) {
    return new TokenRejected({ provider, reason: "TooLong", detail: `the token exceeds ${maxTokenLength} characters` })
  }
  const parts = token.split(".")
  if (parts.length !== 3) return malformed("a JWT has exactly three dot-separated parts")
  const [encodedHeader = "", encodedPayload = "", signature = ""] = parts
  if (!base64url.test(encodedHeader)) return malformed("the header is empty or not base64url")
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(encodedHeader, "base64url").toString("utf8"))
  } catch {
    return malformed("the header is not JSON")
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    return malformed("the header is not a JSON object")
  }
  for (const name of keyBearingHeaders) {
    if (Object.hasOwn(header, name)) {
      return new TokenRejected({
        provider,
        reason: "EmbeddedKey",
        claim: name,
        detail: "keys named or carried by the token itself are never used"
      })
    }
  }
  if (Object.hasOwn(header, "crit")) {
    return new TokenRejected({
      provider,
      reason: "UnsupportedHeader",
      claim: "crit",
      detail: "critical header extensions are not supported"
    })
  }
  const decoded = decodeHeader(header)
  if (Result.isFailure(decoded)) return malformed("the header lacks a string alg or has a non-string kid or typ")
  if (!algorithms.has(decoded.success.alg)) {
    return new TokenRejected({
      provider,
      reason: "AlgorithmNotAllowed",
      claim: "alg",
      detail: "the signature algorithm is not allowed"
    })
  }
  // Checked after the header so that an unsigned (`alg: none`) token is reported as such.
  if (signature.length === 0) return malformed("the signature is missing")
  if (!base64url.test(encodedPayload) || !base64url.test(signature)) {
    return malformed("the payload or signature is empty or not base64url")
  }
  return undefined
}

const decodeJwtConfig = (provider: IdentityProvider) => makeConfigDecoder(provider, JwtVerifierConfig)

/**
 * Builds a `JwtVerifier` from its configuration (decoded here, so it may come from a file). Fails with
 * `InvalidVerifierConfig` if the configuration is malformed or unsafe; never fails per token with
 * anything but `TokenRejected`.
 *
 * Each `verify` requires `exp` and `iat`, honours `nbf`, allows `clockSkewSeconds` of skew on all three,
 * and refuses `iat` older than `maxTokenAgeSeconds`.
 */
export const makeJwtVerifier = (
  provider: IdentityProvider,
  config: JwtVerifierConfig,
  options: JwtVerifierOptions = {}
): Effect.Effect<JwtVerifier, InvalidVerifierConfig> =>
  Effect.gen(function* () {
    const settings = yield* decodeJwtConfig(provider)(config)
    const algorithms = settings.algorithms ?? defaultAlgorithms
    const keys = keyResolverFor(settings.jwks)
    const issues = [...algorithmIssues(algorithms), ...(Result.isFailure(keys) ? keys.failure : [])]
    if (Result.isFailure(keys) || issues.length > 0) return yield* new InvalidVerifierConfig({ provider, issues })

    const allowed: ReadonlySet<string> = new Set(algorithms)
    const maxTokenLength = settings.maxTokenLength ?? jwtLimits.defaultMaxTokenLength
    const resolveKey = guardKeyResolver(keys.success)
    const baseOptions: JWTVerifyOptions = {
      algorithms: [...allowed] as NonNullable<JWTVerifyOptions["algorithms"]>,
      issuer: asList(settings.issuer),
      audience: asList(settings.audience),
      clockTolerance: settings.clockSkewSeconds ?? jwtLimits.defaultClockSkewSeconds,
      maxTokenAge: settings.maxTokenAgeSeconds ?? jwtLimits.defaultMaxTokenAgeSeconds,
      requiredClaims: [...new Set(["exp", "iat", ...(options.requiredClaims ?? [])])]
    }
    const now = options.now
    const currentTime: Effect.Effect<number> = now === undefined ? Clock.currentTimeMillis : Effect.sync(now)

    const check = (token: string, millis: number): Effect.Effect<VerifiedJwt, TokenRejected> =>
      Effect.tryPromise({
        try: () => jwtVerify(token, resolveKey, { ...baseOptions, currentDate: new Date(millis) }),
        catch: (error) => rejectionFromJose(provider, error)
      }).pipe(Effect.map((result) => ({ header: result.protectedHeader, claims: result.payload })))

    const verify = (token: string): Effect.Effect<VerifiedJwt, TokenRejected> => {
      const rejected = precheck(provider, token, maxTokenLength, allowed)
      if (rejected !== undefined) return Effect.fail(rejected)
      return Effect.flatMap(currentTime, (millis) => check(token, millis))
    }
    return { provider, verify }
  })
