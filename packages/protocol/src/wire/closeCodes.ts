/**
 * The WebSocket close codes the server uses, with the reason text it sends. Clients branch on the code:
 * `retry: false` codes mean reconnecting with the same settings cannot succeed.
 */
export const closeCodes = {
  /** The client closed the connection, or the server after the client's own close. */
  normal: { code: 1000, retry: false },
  /** The server is shutting down. */
  goingAway: { code: 1001, retry: true },
  /** A frame above the hard `maxPayloadBytes` limit (the `ws` library closes by itself). */
  messageTooBig: { code: 1009, retry: true },
  /** `connect` failed: missing or bad credentials or device proof. */
  unauthenticated: { code: 4001, retry: false },
  /** No `connect` arrived within the handshake timeout. */
  handshakeTimeout: { code: 4002, retry: true },
  /** The first frame was not a `connect` request (or not JSON-RPC at all). */
  expectedConnect: { code: 4003, retry: false },
  /** The client did not read fast enough: its outbound buffer passed `maxOutboundBytes`. */
  slowConsumer: { code: 4008, retry: true },
  /** A frame before `connect` was larger than `preAuthMaxBytes`. */
  preAuthFrameTooLarge: { code: 4009, retry: false },
  /** The client and server share no protocol version. */
  unsupportedProtocolVersion: { code: 4010, retry: false },
  /** The client missed heartbeats (server side: no pong in time). */
  heartbeatTimeout: { code: 4011, retry: true },
  /** Too many malformed frames (bad JSON, invalid requests or params, unknown methods) in a short time. */
  tooManyBadFrames: { code: 4012, retry: false },
  /** The connection's session was revoked or expired (logout, account disabled, deleted or re-roled). */
  sessionRevoked: { code: 4013, retry: false }
} as const

/** The name of a close code in `closeCodes`. */
export type CloseCodeName = keyof typeof closeCodes
