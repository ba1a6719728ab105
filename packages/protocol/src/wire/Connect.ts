import { Schema } from "effect"
import { BoundedString, NonNegativeInt, PositiveInt } from "../Primitives.js"
import { Principal } from "../Principal.js"

/** A range of wire protocol versions a peer speaks, both ends included. */
export const ProtocolRange = Schema.Struct({
  min: NonNegativeInt,
  max: NonNegativeInt
}).annotate({ title: "ProtocolRange" })
export type ProtocolRange = typeof ProtocolRange.Type

/** A server's identity key: Ed25519, base64url raw public key, and its id (see `docs/security.md`). */
export const ServerKey = Schema.Struct({
  algorithm: Schema.Literal("ed25519"),
  keyId: BoundedString(128),
  publicKey: BoundedString(256)
}).annotate({ title: "ServerKey" })
export type ServerKey = typeof ServerKey.Type

/** A server's signature over `serverProofPayload(...)` with its identity key. */
export const ServerProof = Schema.Struct({
  ...ServerKey.fields,
  signature: BoundedString(512)
}).annotate({ title: "ServerProof" })
export type ServerProof = typeof ServerProof.Type

/**
 * Params of the `connect.challenge` notification, the first frame the server sends on every connection.
 * `nonce` is fresh per connection; a device proves possession of its key by signing it.
 */
export const ConnectChallenge = Schema.Struct({
  nonce: BoundedString(128),
  protocol: ProtocolRange,
  /** The client must send `connect` within this time, or the server closes the connection (4002). */
  handshakeTimeoutMs: PositiveInt,
  /**
   * The server's proof of its identity key, when the client sent a nonce in the URL (`?clientNonce=`):
   * an Ed25519 signature over `serverProofPayload({ serverNonce: nonce, clientNonce })`. A client that has
   * pinned the server's key checks it before sending any credentials.
   */
  server: Schema.optionalKey(ServerProof)
}).annotate({ title: "ConnectChallenge" })
export type ConnectChallenge = typeof ConnectChallenge.Type

/** A bearer token (session token, OIDC ID token, CI token) that the server's `Authenticator` verifies. */
export const TokenCredentials = Schema.Struct({
  type: Schema.Literal("token"),
  token: BoundedString(8_192)
})

/**
 * The caller simply states who it is. Only a server running the insecure development authenticator accepts
 * it; every other authenticator answers `UNAUTHENTICATED` (`invalid_credentials`).
 */
export const DevelopmentCredentials = Schema.Struct({
  type: Schema.Literal("development"),
  principal: Principal
})

/**
 * A local account's user name and password, for servers with local accounts. The server answers with a
 * session token in `hello.session`, which the client uses from then on (reconnects included), so the
 * password is sent once per client, and only over the connection it authenticates.
 */
export const PasswordCredentials = Schema.Struct({
  type: Schema.Literal("password"),
  username: BoundedString(64),
  password: BoundedString(1024)
})

/** What a client proves its identity with, discriminated on `type`. */
export const Credentials = Schema.Union([TokenCredentials, PasswordCredentials, DevelopmentCredentials]).annotate({
  title: "Credentials"
})
export type Credentials = typeof Credentials.Type

/**
 * Proof that the connecting device holds its key: an Ed25519 signature over `deviceProofPayload(...)`,
 * which binds the connection's nonce, the device id, the signing time and the scopes asked for. Keys and
 * signatures are base64url without padding; the device id is derived from the public key (see
 * `docs/security.md`).
 */
export const DeviceProof = Schema.Struct({
  deviceId: BoundedString(128),
  algorithm: Schema.Literal("ed25519"),
  publicKey: BoundedString(256),
  signature: BoundedString(512),
  /** When the device signed, in ms since the epoch; the server refuses proofs outside its clock skew. */
  signedAt: NonNegativeInt,
  /** The scopes the device asks for on this connection; signed, so they cannot be widened in transit. */
  scopes: Schema.Array(BoundedString(64)).pipe(Schema.check(Schema.isMaxLength(32)))
}).annotate({ title: "DeviceProof" })
export type DeviceProof = typeof DeviceProof.Type

/** Params of `connect`, which must be the client's first request on a connection. */
export const ConnectParams = Schema.Struct({
  protocol: ProtocolRange,
  credentials: Credentials,
  device: Schema.optionalKey(DeviceProof),
  client: Schema.optionalKey(Schema.Struct({ name: BoundedString(64), version: BoundedString(64) }))
}).annotate({ title: "ConnectParams" })
export type ConnectParams = typeof ConnectParams.Type

/** The limits a connection runs under, told to the client in `hello` so it can pace itself. */
export const ConnectionLimits = Schema.Struct({
  maxMessageBytes: PositiveInt,
  requestsPerSecond: PositiveInt,
  requestBurst: PositiveInt,
  maxSubscriptions: PositiveInt,
  maxOutboundBytes: PositiveInt
}).annotate({ title: "ConnectionLimits" })
export type ConnectionLimits = typeof ConnectionLimits.Type

/** The result of a successful `connect`. */
export const HelloResult = Schema.Struct({
  /** The version both peers speak from now on. */
  protocolVersion: NonNegativeInt,
  connectionId: BoundedString(64),
  /** Who the server authenticated the connection as; every later call runs as this principal. */
  principal: Principal,
  /** The server pings (WebSocket ping frames) this often and drops a connection that missed a pong. */
  heartbeatIntervalMs: PositiveInt,
  limits: ConnectionLimits,
  /**
   * When authentication opened a session (a password or provider-token login), its token and expiry: the
   * client may reconnect with `{ type: "token", token }` until then.
   */
  session: Schema.optionalKey(Schema.Struct({ token: BoundedString(8_192), expiresAt: NonNegativeInt })),
  /** The server's identity key, which its session tokens are bound to (their audience). */
  server: Schema.optionalKey(ServerKey)
}).annotate({ title: "HelloResult" })
export type HelloResult = typeof HelloResult.Type
