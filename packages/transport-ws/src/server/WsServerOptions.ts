import type { Server as HttpServer } from "node:http"
import type { ServerKey, ServerProof } from "@coderclaw/protocol"

/**
 * Limits every connection runs under. The defaults are safe for a server exposed to a network: small
 * frames, a short handshake, a bounded request rate and bounded memory per connection.
 */
export interface WsLimits {
  /** Hard frame limit, enforced by `ws` itself: a larger frame closes the connection with 1009. Default 4 MiB. */
  readonly maxPayloadBytes: number
  /**
   * Largest request answered normally. A larger one (up to `maxPayloadBytes`) is refused with JSON-RPC
   * error -32600 and the connection stays open. Default 1 MiB.
   */
  readonly maxMessageBytes: number
  /** Largest frame accepted before `connect` succeeded; a larger one closes with 4009. Default 16 KiB. */
  readonly preAuthMaxBytes: number
  /** Time allowed between the challenge and a `connect` request; then the server closes with 4002. Default 10 s. */
  readonly handshakeTimeoutMs: number
  /**
   * Sustained requests per second per connection; beyond it requests get `RATE_LIMITED` (the connection
   * stays open). Default 5,000: one connection may submit and follow a few thousand tasks per second.
   */
  readonly requestsPerSecond: number
  /** Requests a connection may send in a burst above the sustained rate. Default 10,000. */
  readonly requestBurst: number
  /** Open subscriptions per connection; beyond it `task.subscribe*` gets `OVERLOADED`. Default 1,000. */
  readonly maxSubscriptions: number
  /**
   * Bytes the server may hold for one connection that is not reading; beyond it the connection is closed
   * with 4008 (slow consumer), so one stalled client never grows the server's memory or delays others.
   * Default 8 MiB.
   */
  readonly maxOutboundBytes: number
  /** Open connections per server; further upgrades get HTTP 503. Default 1,000. */
  readonly maxConnections: number
  /**
   * Connections one peer address may hold before their `connect` succeeded; a further upgrade from that
   * address gets HTTP 429 while other addresses still get in. Default 16.
   */
  readonly maxUnauthenticatedPerAddress: number
  /**
   * Malformed frames a connection may send in a burst (not JSON, not a JSON-RPC request, unknown method,
   * invalid params, oversized); beyond it (and the refill of `badFramesPerSecond`) the connection is
   * closed with 4012. Default 100.
   */
  readonly badFrameBurst: number
  /** How fast the bad-frame budget refills. Default 1 per second. */
  readonly badFramesPerSecond: number
  /**
   * How often each open connection re-checks its session with the authenticator, so a revoked session's
   * idle connection and streams end (4013) even when it sends nothing. Every call and every delivery of
   * stream events also checks. Default 1 s.
   */
  readonly sessionCheckIntervalMs: number
  /** How often the server pings each connection; one that missed the previous pong is dropped. Default 15 s. */
  readonly heartbeatIntervalMs: number
}

/** The default limits; see `WsLimits` for each. */
export const defaultLimits: WsLimits = {
  maxPayloadBytes: 4 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  preAuthMaxBytes: 16 * 1024,
  handshakeTimeoutMs: 10_000,
  requestsPerSecond: 5_000,
  requestBurst: 10_000,
  maxSubscriptions: 1_000,
  maxOutboundBytes: 8 * 1024 * 1024,
  maxConnections: 1_000,
  maxUnauthenticatedPerAddress: 16,
  badFrameBurst: 100,
  badFramesPerSecond: 1,
  sessionCheckIntervalMs: 1_000,
  heartbeatIntervalMs: 15_000
}

/** How a connection ended, for logs and metrics: the close code, why, and the last handshake phase reached. */
export interface ConnectionClosed {
  readonly connectionId: string
  readonly code: number
  readonly reason: string
  /** `open` once `connect` succeeded; otherwise the handshake phase the connection was in. */
  readonly phase: string
  readonly principalId?: string
}

/** Where the server listens and what it admits. */
export interface WsServerOptions {
  /** Attach to this HTTP server's `upgrade` event instead of listening; the caller owns its lifecycle. */
  readonly server?: HttpServer
  /** Port to listen on when no `server` is given; 0 picks a free one. Default 0. */
  readonly port?: number
  /** Interface to listen on when no `server` is given. Default `127.0.0.1` (loopback only). */
  readonly host?: string
  /**
   * Only upgrades to this path are handled. Others get HTTP 404 at once, unless the server was given with
   * `server` and has another `upgrade` listener to answer them. Default: every path.
   */
  readonly path?: string
  /**
   * Browser origins allowed to connect (`*` for any); a request with another `Origin` gets HTTP 403.
   * Requests without an `Origin` header (non-browser clients) are not affected. Default: same origin or
   * loopback only, i.e. an `Origin` whose host is `localhost`, `127.x.x.x` or `::1`, or equals the
   * request's `Host` header (a page this server served).
   */
  readonly allowedOrigins?: ReadonlyArray<string>
  /** Overrides of the default limits. */
  readonly limits?: Partial<WsLimits>
  /** Called when a connection ends, with its close diagnostics. */
  readonly onConnectionClosed?: (closed: ConnectionClosed) => void
  /**
   * The server's identity key (`Security`'s `serverIdentity`): when a client puts a nonce in the URL
   * (`?clientNonce=`), the challenge carries a signature over both nonces, so the client can check it talks
   * to the server its saved session belongs to before it sends any credentials.
   */
  readonly serverIdentity?: ServerIdentitySigner
}

/** Proves the server's identity key over one connection's nonces. */
export interface ServerIdentitySigner {
  readonly key: ServerKey
  prove(serverNonce: string, clientNonce: string): ServerProof
}
