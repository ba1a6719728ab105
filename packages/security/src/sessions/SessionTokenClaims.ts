import { PrincipalId, SessionId } from "@coderclaw/protocol"
import { Schema } from "effect"

const Seconds = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

/**
 * The claims of a session token. The token only names a session (`sid`) and its principal (`sub`); it
 * carries no roles, scopes or trust, because those are read from the session store on every use, so
 * revoking a session or changing its roles takes effect at once. `iat`/`exp` are seconds since the epoch.
 */
export const SessionTokenClaims = Schema.Struct({
  iss: Schema.String,
  /** The configured audience, and with a server identity also `coderclaw-server:<key id>`. */
  aud: Schema.Union([Schema.String, Schema.Array(Schema.String)]),
  sub: PrincipalId,
  sid: SessionId,
  jti: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(128))),
  iat: Seconds,
  exp: Seconds
})
export type SessionTokenClaims = typeof SessionTokenClaims.Type
