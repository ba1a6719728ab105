import { IdentityProvider, Unauthenticated } from "@coderclaw/protocol"
import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a token was refused, as a closed set so callers, audit entries and metrics can branch on it:
 *
 * - `malformed`: not a compact JWS (three non-empty base64url parts, a JSON object header and payload).
 * - `too_long`: longer than the verifier's `maxTokenLength`; refused before any parsing.
 * - `algorithm_not_allowed`: the header's `alg` is outside the allow-list (`none` and `HS*` always are).
 * - `embedded_key`: the header carries or points at a key (`jwk`, `jku`, `x5u`, `x5c`); keys come only from
 *   the configured JWKS.
 * - `unsupported_header`: a `crit` header, whose extensions this verifier does not implement.
 * - `unknown_key`: no key (or more than one) of the JWKS matches the header's `kid`/`alg`.
 * - `bad_signature`: a key matched but the signature does not verify with it.
 * - `keys_unavailable`: the remote JWKS could not be fetched or parsed (retrying later may succeed).
 * - `expired`: `exp` has passed, or `iat` is older than the maximum token age.
 * - `not_yet_valid`: `nbf` or `iat` lies in the future beyond the allowed clock skew.
 * - `missing_claim` / `invalid_claim`: a required claim is absent / has the wrong type or form.
 * - `wrong_issuer` / `wrong_audience`: `iss` / `aud` is not one the verifier accepts.
 * - `claim_not_allowed`: the token is genuine but a provider rule refuses it (unverified e-mail, another
 *   hosted domain, another repository id, a ref, workflow, event or environment outside the allow-lists).
 * - `provider_refused`: an opaque token (not a JWT: a GitHub user token) was refused by the provider's API
 *   it was checked against (HTTP 401: revoked, expired or forged).
 * - `provider_unavailable`: the provider's API could not answer for an opaque token (network, non-2xx,
 *   undecodable body); retrying later may succeed.
 */
export const TokenRejectionReason = Schema.Literals([
  "Malformed",
  "TooLong",
  "AlgorithmNotAllowed",
  "EmbeddedKey",
  "UnsupportedHeader",
  "UnknownKey",
  "BadSignature",
  "KeysUnavailable",
  "Expired",
  "NotYetValid",
  "MissingClaim",
  "InvalidClaim",
  "WrongIssuer",
  "WrongAudience",
  "ClaimNotAllowed",
  "ProviderRefused",
  "ProviderUnavailable"
])
export type TokenRejectionReason = typeof TokenRejectionReason.Type

/**
 * A token verifier refused a token. `claim` names the claim or header parameter at fault when there is
 * one; `detail` is a fixed, non-secret sentence written by the verifier. Neither ever contains the token
 * or a value taken from it (claim values are attacker-controlled text and do not belong in logs).
 */
export class TokenRejected extends Schema.TaggedError<TokenRejected>()("TokenRejected", {
  provider: IdentityProvider,
  reason: TokenRejectionReason,
  claim: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const claim = this.claim === undefined ? "" : ` (${this.claim})`
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `Token rejected by ${this.provider} verifier: ${reasonWords(this.reason)}${claim}${detail}`
  }
}

/**
 * The wire-level answer for a rejected token: `expired` stays `expired` (the client should fetch a new
 * token), everything else is `invalid_credentials` so a caller learns nothing about which check failed.
 */
export const unauthenticatedFrom = (rejected: TokenRejected): Unauthenticated =>
  new Unauthenticated({ reason: rejected.reason === "Expired" ? "expired" : "invalid_credentials" })
