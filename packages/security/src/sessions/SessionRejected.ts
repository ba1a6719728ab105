import { Schema } from "effect"

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
  "not_found",
  "expired",
  "revoked",
  "malformed_token",
  "unsupported_algorithm",
  "unknown_key",
  "bad_signature",
  "claims_mismatch",
  "invalid_request",
  "unavailable"
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
    return `Session rejected: ${this.reason.replaceAll("_", " ")}${which}${detail}`
  }
}
