import { BoundedString, IdentityProvider, PrincipalId, SessionId, Timestamp, TrustLevel } from "@coderclaw/protocol"
import { Schema } from "effect"

/** The most scopes one session may carry (the same bound a device proof puts on the scopes it asks for). */
export const maxScopesPerSession = 32

/**
 * A session: what the server remembers about an authenticated caller, and the only source of its roles.
 * Issued after authentication; its token merely names it. `roles` are the server's view at login (from
 * the identity provider's mapping), `trust` how far the caller's device is trusted (`untrusted` without a
 * device), `scopes` what the caller asked to be limited to. `expiresAt` is enforced on every use;
 * `revokedAt` is set once and never cleared. Times are ms since the epoch. A durable store decodes its
 * rows with this schema.
 */
export const Session = Schema.Struct({
  id: SessionId,
  principalId: PrincipalId,
  provider: IdentityProvider,
  displayName: Schema.optionalKey(BoundedString(256)),
  roles: Schema.Array(BoundedString(64)).pipe(Schema.check(Schema.isMaxLength(32))),
  deviceId: Schema.optionalKey(BoundedString(128)),
  trust: TrustLevel,
  scopes: Schema.Array(BoundedString(64)).pipe(Schema.check(Schema.isMaxLength(maxScopesPerSession))),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Schema.optionalKey(Timestamp)
})
export type Session = typeof Session.Type

/** Whether a session can still be used at `now` (ms): not revoked and not yet expired. */
export const isSessionActive = (session: Session, now: number): boolean =>
  session.revokedAt === undefined && now < session.expiresAt
