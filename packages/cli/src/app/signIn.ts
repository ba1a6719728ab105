import type { Credentials, HelloResult, Principal } from "@coderclaw/protocol"
import { type DeviceKey, deviceProofSigner } from "@coderclaw/security"
import {
  createWsClient,
  type ServerIdentityCheck,
  type WebSocketConstructor,
  type WsClient
} from "@coderclaw/transport-ws/client"
import { WebSocket } from "ws"
import { cliVersion } from "../cli/version.js"

/** How to open an authenticated connection to a coderClaw server. */
export interface SignInOptions {
  /** The server's URL, e.g. `server.url` of `startServer`. */
  readonly url: string
  /** What to authenticate with: a local account's password, or a session or provider token. */
  readonly credentials: Credentials
  /**
   * The device's key: its proof of possession makes the session `verified`, or `trusted` once the device
   * is paired to the user (`approveDevice`). Without one the session is `untrusted`.
   */
  readonly device?: DeviceKey
  /** Default: the `ws` package's `WebSocket`. */
  readonly WebSocket?: WebSocketConstructor
  /** How long a call may take. Default 30 s. */
  readonly requestTimeoutMs?: number
  /** Reported to the server for its logs. Default `coderclaw-cli`. */
  readonly clientInfo?: { readonly name: string; readonly version: string }
  /** Reconnection attempts before open streams give up. Default 20. */
  readonly maxReconnectAttempts?: number
  /** Checks the server's identity key before credentials are sent (see `serverIdentityCheck`). */
  readonly serverIdentity?: ServerIdentityCheck
}

/** An authenticated connection: a `RuntimeClient` acting as `principal`. */
export interface SignedIn {
  readonly client: WsClient
  readonly hello: HelloResult
  /** Who the server authenticated, with the trust level of the device (`trusted`, `verified`, `untrusted`). */
  readonly principal: Principal
  /** The session a password or provider-token login opened; reconnect with `{ type: "token", token }`. */
  readonly session?: { readonly token: string; readonly expiresAt: number }
}

/**
 * Connects to a server and authenticates, proving the device's key when one is given. Resolves once the
 * server said hello; rejects with the protocol's typed error (`Unauthenticated` for refused credentials,
 * `Unavailable` for an unreachable server) after closing the client. Close `client` when done.
 */
export const signIn = async (options: SignInOptions): Promise<SignedIn> => {
  const client = createWsClient({
    url: options.url,
    credentials: options.credentials,
    WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
    reconnect: { maxAttempts: options.maxReconnectAttempts ?? 20 },
    clientInfo: options.clientInfo ?? { name: "coderclaw-cli", version: cliVersion },
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.serverIdentity === undefined ? {} : { serverIdentity: options.serverIdentity }),
    ...(options.device === undefined ? {} : { device: deviceProofSigner(options.device, { scopes: [] }) })
  })
  try {
    const hello = await client.hello()
    return {
      client,
      hello,
      principal: hello.principal,
      ...(hello.session === undefined ? {} : { session: hello.session })
    }
  } catch (error) {
    await client.close().catch(() => undefined)
    throw error
  }
}
