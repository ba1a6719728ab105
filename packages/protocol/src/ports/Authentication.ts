import type { Effect } from "effect"
import type { Principal } from "../Principal.js"
import type { Unauthenticated } from "../RuntimeError.js"
import type { Credentials, DeviceProof } from "../wire/Connect.js"

/** One authentication question: who is this connection, given what it presented? */
export interface AuthenticationRequest {
  /** What the client presented in `connect`. */
  readonly credentials: Credentials
  /** The device's signed proof of key possession, when the client sent one. */
  readonly device?: DeviceProof
  /** The challenge the server sent on this connection; a device proof must sign exactly this. */
  readonly nonce: string
  /** The server's id of the connection, for audit. */
  readonly connectionId?: string
  /** The peer's address, for audit and rate decisions. */
  readonly remoteAddress?: string
  /** The `Origin` header of a browser connection. */
  readonly origin?: string
}

/** Who a connection is, and, when authentication opened a session for it, the token that names it. */
export interface Authenticated {
  readonly principal: Principal
  readonly session?: { readonly token: string; readonly expiresAt: number }
}

/**
 * The authentication port, consulted once per connection by remote transports. `@coderclaw/security`
 * implements it (token verification, device trust); it returns the principal every later call of the
 * connection runs as (and a session token the client may reconnect with), or `Unauthenticated` naming why not.
 */
export interface AuthenticatorShape {
  authenticate(request: AuthenticationRequest): Effect.Effect<Authenticated, Unauthenticated>
  /**
   * Whether a principal this authenticator returned may still act: its session is neither revoked (logout,
   * account disabled, deleted or re-roled, administrator) nor expired. Remote transports ask before every
   * call and every delivery of stream events, so it must be cheap (a cached lookup, invalidated on
   * change). Absent when principals cannot be revoked (e.g. the development authenticator).
   */
  readonly check?: (principal: Principal) => Effect.Effect<void, Unauthenticated>
  /** Ends the principal's session for good (`session.logout`); absent when sessions cannot be ended. */
  readonly logout?: (principal: Principal) => Effect.Effect<void, Unauthenticated>
}
