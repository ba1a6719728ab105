import type { IdentityProvider } from "@coderclaw/protocol"
import { errors } from "jose"
import type { KeyResolver } from "../JwksSource.js"
import { TokenRejected } from "../TokenRejected.js"

/** Raised by `guardKeyResolver` when the keys themselves could not be obtained (network, HTTP status, JSON). */
class KeysUnavailable extends Error {}

/** jose codes a key resolver may raise that are about the token, not about fetching the keys. */
const tokenSideKeyErrors = new Set<string>([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSENotSupported.code,
  errors.JWKInvalid.code
])

/**
 * Wraps a key resolver so that failures to obtain the keys (a fetch error, a non-200 answer, a timeout,
 * an invalid JWKS document) are told apart from "no key matches this token": jose reports the former as
 * plain `TypeError`s or generic `JOSEError`s that would otherwise be indistinguishable from a bad token.
 */
export const guardKeyResolver =
  (resolve: KeyResolver): KeyResolver =>
  async (header, token) => {
    try {
      return await resolve(header, token)
    } catch (error) {
      if (error instanceof errors.JOSEError && tokenSideKeyErrors.has(error.code)) throw error
      throw new KeysUnavailable()
    }
  }

const reject = (
  provider: IdentityProvider,
  reason: TokenRejected["reason"],
  detail: string,
  claim?: string
): TokenRejected => new TokenRejected({ provider, reason, detail, ...(claim === undefined ? {} : { claim }) })

const fromClaimFailure = (provider: IdentityProvider, error: errors.JWTClaimValidationFailed): TokenRejected => {
  const { claim, reason } = error
  if (reason === "missing") return reject(provider, "MissingClaim", "a required claim is absent", claim)
  if (reason === "invalid") return reject(provider, "InvalidClaim", "a claim has the wrong type", claim)
  switch (claim) {
    case "iss":
      return reject(provider, "WrongIssuer", "the issuer is not one this verifier accepts", claim)
    case "aud":
      return reject(provider, "WrongAudience", "the token is meant for another audience", claim)
    case "nbf":
      return reject(provider, "NotYetValid", "the token is not valid yet", claim)
    case "iat":
      return reject(provider, "NotYetValid", "the token claims to be issued in the future", claim)
    default:
      return reject(provider, "ClaimNotAllowed", "a claim has a value this verifier refuses", claim)
  }
}

/**
 * Maps whatever `jwtVerify` threw to a `TokenRejected`, by jose's stable error `code` (never by message
 * text). Anything that is not a jose error is reported as `malformed`: the token could not be processed.
 */
export const rejectionFromJose = (provider: IdentityProvider, error: unknown): TokenRejected => {
  if (error instanceof KeysUnavailable) {
    return reject(provider, "KeysUnavailable", "the verification keys could not be obtained")
  }
  if (!(error instanceof errors.JOSEError)) return reject(provider, "Malformed", "the token could not be processed")
  switch (error.code) {
    case errors.JOSEAlgNotAllowed.code:
      return reject(provider, "AlgorithmNotAllowed", "the signature algorithm is not allowed", "alg")
    case errors.JWSSignatureVerificationFailed.code:
      return reject(provider, "BadSignature", "the signature does not verify")
    case errors.JWKSNoMatchingKey.code:
      return reject(provider, "UnknownKey", "no key of the key set matches the token", "kid")
    case errors.JWKSMultipleMatchingKeys.code:
      return reject(provider, "UnknownKey", "several keys match; the token must name one with kid", "kid")
    case errors.JOSENotSupported.code:
    case errors.JWKInvalid.code:
      return reject(provider, "UnknownKey", "the matching key cannot be used")
    case errors.JWKSTimeout.code:
    case errors.JWKSInvalid.code:
      return reject(provider, "KeysUnavailable", "the verification keys could not be obtained")
    case errors.JWTExpired.code: {
      const claim = (error as errors.JWTExpired).claim
      return reject(
        provider,
        "Expired",
        claim === "iat" ? "the token is older than the maximum token age" : "the token has expired",
        claim
      )
    }
    case errors.JWTClaimValidationFailed.code:
      return fromClaimFailure(provider, error as errors.JWTClaimValidationFailed)
    default:
      return reject(provider, "Malformed", "the token is not a well-formed JWT")
  }
}
