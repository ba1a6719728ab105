import type { Unauthenticated } from "@coderclaw/protocol"
import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a session, or a session token, was refused:
 * - `not_found`: no session with that id (never issued, or purged).
 * - `expired`: the session (or the token's `exp`) is past its expiry.
 * - `revoked`: the session was revoked (logout, password change, administrator).
 * - `malformed_token`: not a compact JWS, longer than the length cap, unreadable header or claims, or
 *   claims of the wrong shape.
 * - `unsupported_algorithm`: the token is not signed with EdDSA (e.g. `HS256`, `none`, `RS256`).
 * - `unknown_key`: the token names no key id, or one that is not (or no longer) in the key ring.
 * - `bad_signature`: the signature does not verify with the key the token names.
 * - `claims_mismatch`: wrong issuer, audience or type, `iat` in the future, or a subject that is not the
 *   session's principal.
 * - `invalid_request`: a session could not be created as asked (bad ttl, scopes, roles or display name),
 *   or the services were configured with values outside the allowed ranges.
 * - `unavailable`: a session or key store failed, or returned a row that does not decode.
 */
export const SessionRejectedReason = Schema.Literals([
  "NotFound",
  "Expired",
  "Revoked",
  "MalformedToken",
  "UnsupportedAlgorithm",
  "UnknownKey",
  "BadSignature",
  "ClaimsMismatch",
  "InvalidRequest",
  "Unavailable"
])
export type SessionRejectedReason = typeof SessionRejectedReason.Type

/**
 * The one error of the sessions domain. `sessionId` names the session when it is known; `detail` is for
 * operators and logs. Neither ever carries a token or key material. Transports answer the caller with the
 * protocol's `Unauthenticated` (`expired`, `revoked`, otherwise `invalid_credentials`), or `Unavailable`
 * for `unavailable`.
 */
export class SessionRejected extends Schema.TaggedError<SessionRejected>()("SessionRejected", {
  reason: SessionRejectedReason,
  sessionId: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const which = this.sessionId === undefined ? "" : ` (session ${this.sessionId})`
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `Session rejected: ${reasonWords(this.reason)}${which}${detail}`
  }
}

/** What a caller is told about a rejected session: `expired`, `revoked`, otherwise `invalid_credentials`. */
export const unauthenticatedReason = (reason: SessionRejectedReason): Unauthenticated["reason"] =>
  reason === "Expired" ? "expired" : reason === "Revoked" ? "revoked" : "invalid_credentials"
