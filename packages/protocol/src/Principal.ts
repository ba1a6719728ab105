import { Schema } from "effect"
import { PrincipalId, SessionId } from "./Ids.js"
import { BoundedString } from "./Primitives.js"

/**
 * How far a caller's device is trusted: `trusted` (paired and proved possession of its key), `verified`
 * (identity proven and key proved, pairing not approved), `untrusted` (no device proof).
 */
export const TrustLevel = Schema.Literals(["trusted", "verified", "untrusted"]).annotate({ title: "TrustLevel" })
export type TrustLevel = typeof TrustLevel.Type

/** Which identity provider vouched for the principal. */
export const IdentityProvider = Schema.Literals([
  "local",
  "oidc",
  "google",
  "github",
  "github-actions",
  "system"
]).annotate({ title: "IdentityProvider" })
export type IdentityProvider = typeof IdentityProvider.Type

/**
 * The authenticated caller of a runtime call. Built by the server after authentication; its roles are
 * the server's view. Permissions are never carried here: they are computed from the roles on the server.
 */
export const Principal = Schema.Struct({
  id: PrincipalId,
  provider: IdentityProvider,
  displayName: Schema.optionalKey(BoundedString(256)),
  sessionId: SessionId,
  roles: Schema.Array(BoundedString(64)),
  deviceId: Schema.optionalKey(BoundedString(128)),
  trust: TrustLevel,
  /**
   * When present, the connection is limited to these permissions (a device proof that asked for narrower
   * scopes): it may do only what both its roles and these scopes allow; empty means nothing. Absent means
   * its roles alone decide. Scopes only ever take permissions away.
   */
  scopes: Schema.optionalKey(Schema.Array(BoundedString(64)).pipe(Schema.check(Schema.isMaxLength(32))))
}).annotate({ title: "Principal" })
export type Principal = typeof Principal.Type
