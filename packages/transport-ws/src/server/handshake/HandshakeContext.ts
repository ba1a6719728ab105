import type { CloseCodeName, JsonRpcId, RuntimeError } from "@coderclaw/protocol"
import type { ServerIdentitySigner, WsLimits } from "../WsServerOptions.js"

/** The handshake phases, in order. Phases only move forward; the last one reached is in the close diagnostics. */
export type HandshakePhase = "challenge" | "admission" | "version" | "authentication" | "hello"

/** What every handshake phase reads: one connection's identity, challenge and limits. */
export interface HandshakeContext {
  readonly connectionId: string
  /** The challenge nonce sent in `connect.challenge`; a device proof must sign it. */
  readonly nonce: string
  /** The client's nonce from the URL (`?clientNonce=`), which the server's identity proof signs too. */
  readonly clientNonce?: string
  /** The server's identity key, when it has one. */
  readonly serverIdentity?: ServerIdentitySigner
  readonly remoteAddress?: string
  readonly origin?: string
  readonly limits: WsLimits
  /** The last phase entered. */
  phase: HandshakePhase
}

/**
 * Why a handshake phase refused the connection: the error answered to the `connect` request (or to the
 * offending frame), and the close code the connection then ends with.
 */
export interface HandshakeRejected {
  readonly requestId: JsonRpcId | null
  readonly error: RuntimeError
  readonly close: CloseCodeName
  /** A JSON-RPC code for problems with the frame itself, overriding the error code's own. */
  readonly jsonRpcCode?: number
}
