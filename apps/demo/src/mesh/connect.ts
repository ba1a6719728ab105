import type { Credentials, Principal } from "@coderclaw/protocol"
import { type DeviceKey, deviceProofSigner } from "@coderclaw/security"
import { createWsClient, type WebSocketConstructor, type WsClient } from "@coderclaw/transport-ws/client"
import { Effect, type Scope } from "effect"
import { WebSocket } from "ws"
import { DemoError } from "../DemoError.js"
import { describeFailure } from "./clientCall.js"

/** An authenticated WebSocket connection, and who the server says it is. */
export interface Connection {
  readonly client: WsClient
  /** As authenticated by the server: roles, session, device and its trust level. */
  readonly principal: Principal
  /** The session a password login opened: reconnect with its token instead of the password. */
  readonly sessionToken?: string
}

/** How to connect: the credentials, and the device key whose possession the client proves, if any. */
export interface ConnectOptions {
  readonly url: string
  readonly credentials: Credentials
  readonly device?: DeviceKey
}

/**
 * Connects to the server as a real client would: over WebSocket, answering the server's challenge with the
 * credentials and (with `device`) a signature over the connection's nonce. Resolves after the server's
 * `hello`; the connection is closed with the scope.
 */
export const connect = (step: string, options: ConnectOptions): Effect.Effect<Connection, DemoError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const client = createWsClient({
          url: options.url,
          credentials: options.credentials,
          WebSocket: WebSocket as unknown as WebSocketConstructor,
          clientInfo: { name: "coderclaw-demo", version: "0.0.0" },
          reconnect: { maxAttempts: 5 },
          ...(options.device === undefined ? {} : { device: deviceProofSigner(options.device, { scopes: [] }) })
        })
        try {
          const hello = await client.hello()
          return {
            client,
            principal: hello.principal,
            ...(hello.session === undefined ? {} : { sessionToken: hello.session.token })
          }
        } catch (error) {
          await client.close().catch(() => undefined)
          throw error
        }
      },
      catch: (error) =>
        new DemoError({
          step,
          reason: "CallFailed",
          detail: `connecting to ${options.url} failed: ${describeFailure(error)}`
        })
    }),
    (connection) => Effect.promise(() => connection.client.close().catch(() => undefined))
  )

/** Logs in with a local account's password over the wire. */
export const passwordOf = (username: string, password: string): Credentials => ({
  type: "password",
  username,
  password
})
