/**
 * Sessions: created after authentication, named by the runtime's own EdDSA-signed tokens, and checked on
 * every use against a store that alone holds roles, device, trust, scopes, expiry and revocation.
 */

/** A session store held in memory, and its constructor. */
export { InMemorySessionStore, makeInMemorySessionStore } from "./InMemorySessionStore.js"
/** A signing key store held in memory (a restart makes a new key), and its constructor. */
export { InMemorySigningKeyStore, makeInMemorySigningKeyStore } from "./InMemorySigningKeyStore.js"
/** The session record (a durable store decodes its rows with it), the scope bound and the activity test. */
export { isSessionActive, maxScopesPerSession, Session } from "./Session.js"
/** The one error of the sessions domain and its reasons. */
export { SessionRejected, SessionRejectedReason } from "./SessionRejected.js"
/** The port where sessions are stored. */
export { SessionStore, type SessionStoreShape } from "./SessionStore.js"
/** The sessions service: create, validate, verify tokens, revoke, list, purge, and map to a `Principal`. */
export {
  type ListSessionsOptions,
  makeSessions,
  type NewSession,
  Sessions,
  type SessionsOptions,
  type SessionsShape
} from "./Sessions.js"
/** The claims a session token carries (no roles: the session store is the truth). */
export { SessionTokenClaims } from "./SessionTokenClaims.js"
/** The session token service: Ed25519 key ring, issue, verify, rotate, public JWK Set. */
export {
  makeSessionTokens,
  type SessionPublicJwk,
  SessionTokens,
  type SessionTokensOptions,
  type SessionTokensShape,
  sessionTokenAlgorithm,
  sessionTokenType
} from "./SessionTokens.js"
/** A persisted signing key and the Ed25519 JWK schemas it is made of. */
export { Ed25519PrivateJwk, Ed25519PublicJwk, SigningKeyId, SigningKeyRecord } from "./SigningKey.js"
/** The port where the signing key ring is persisted. */
export { SigningKeyStore, type SigningKeyStoreShape } from "./SigningKeyStore.js"
/** The protocol principal of a session. */
export { sessionToPrincipal } from "./sessionToPrincipal.js"
