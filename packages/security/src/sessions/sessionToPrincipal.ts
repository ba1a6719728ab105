import type { Principal } from "@coderclaw/protocol"
import type { Session } from "./Session.js"

/**
 * The protocol principal a session's calls run as. Roles, device and trust come from the stored session
 * only, never from a token or anything else the caller sent; permissions are computed from the roles later.
 */
export const sessionToPrincipal = (session: Session): Principal => ({
  id: session.principalId,
  provider: session.provider,
  ...(session.displayName === undefined ? {} : { displayName: session.displayName }),
  sessionId: session.id,
  roles: [...session.roles],
  ...(session.deviceId === undefined ? {} : { deviceId: session.deviceId }),
  trust: session.trust,
  // A session's empty scope list means "not narrowed"; a non-empty one limits every call of the session.
  ...(session.scopes.length === 0 ? {} : { scopes: [...session.scopes] })
})
