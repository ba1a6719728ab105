import type {
  Credentials,
  DeviceProof,
  ProtocolRange,
  RequestMeta,
  RuntimeError,
  ServerProof
} from "@coderclaw/protocol"

/**
 * The part of the WHATWG `WebSocket` the client uses: the browser's global `WebSocket` and the `ws`
 * package's `WebSocket` both fit. Handlers take `never` so either implementation's event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: never) => void) | null
  onmessage: ((event: never) => void) | null
  onclose: ((event: never) => void) | null
  onerror: ((event: never) => void) | null
}

/** A `WebSocket` constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Signs the server's challenge nonce with the device key, for servers that check device possession. */
export type DeviceSigner = (nonce: string) => DeviceProof | Promise<DeviceProof>

/**
 * Checks the server's identity before any credentials leave the client. With it, every connection puts a
 * fresh nonce in the URL (`?clientNonce=`) and hands the challenge's proof (absent when the server sent
 * none) to `check`; an error returned refuses the connection without sending `connect`.
 */
export interface ServerIdentityCheck {
  check(proof: ServerProof | undefined, serverNonce: string, clientNonce: string): RuntimeError | undefined
}

/**
 * How the client reconnects after losing its connection: exponential backoff with jitter (each wait scaled
 * at random by 0.8–1.2, then capped at `maxDelayMs`; see `reconnectSchedule`).
 */
export interface ReconnectOptions {
  /** Delay before the first retry. Default 100 ms. */
  readonly initialDelayMs?: number
  /** Longest delay between retries. Default 5,000 ms. */
  readonly maxDelayMs?: number
  /** Growth of the delay per failed attempt. Default 2. */
  readonly factor?: number
  /** Consecutive failed attempts after which open subscriptions fail with `Unavailable`. Default: no limit. */
  readonly maxAttempts?: number
  /**
   * How long the client keeps trying to reconnect for its open streams (and those opened meanwhile) after
   * it lost its connection or failed to get one; then every stream ends with a retryable `Unavailable`
   * instead of waiting forever. Each outage gets the full time. Default 300,000 ms (5 minutes).
   */
  readonly giveUpAfterMs?: number
}

/** The default of `ReconnectOptions.giveUpAfterMs`: five minutes. */
export const defaultGiveUpAfterMs = 300_000

/** Options of `createWsClient`. */
export interface WsClientOptions {
  /** The server's URL, e.g. `ws://127.0.0.1:7420`. */
  readonly url: string
  /**
   * What the client authenticates with. A function is called on every (re)connection, so a token can be
   * refreshed before it expires.
   */
  readonly credentials: Credentials | (() => Credentials | Promise<Credentials>)
  /** Proves the device's key on every connection, when the server wants device trust. */
  readonly device?: DeviceSigner
  /** The WebSocket implementation. Default `globalThis.WebSocket` (browsers, Node 22+). */
  readonly WebSocket?: WebSocketConstructor
  /** How long a call may take, waiting for a connection included, before it rejects with `Timeout`. Default 30 s. */
  readonly requestTimeoutMs?: number
  /** How long opening a connection and its handshake may take. Default 10 s. */
  readonly connectTimeoutMs?: number
  readonly reconnect?: ReconnectOptions
  /** Protocol versions offered. Default: every version this package speaks. */
  readonly protocol?: ProtocolRange
  /** Sent to the server in `connect`, for its logs. */
  readonly clientInfo?: { readonly name: string; readonly version: string }
  /** Refuses servers that do not prove the expected identity key (see `ServerIdentityCheck`). */
  readonly serverIdentity?: ServerIdentityCheck
  /**
   * The trace context of the call being made, e.g. the active OpenTelemetry span's `traceparent`: called
   * for every call, and sent as the request's `params._meta` when it returns one, so the server's spans
   * continue the caller's trace. Not called for the handshake, pings and stream re-subscriptions.
   */
  readonly traceContext?: () => RequestMeta | undefined
}
