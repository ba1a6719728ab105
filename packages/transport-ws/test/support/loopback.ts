import { randomUUID } from "node:crypto"
import { type Principal, Unauthenticated } from "@coderclaw/protocol"
import { Authenticator, Runtime, type RuntimeOptions } from "@coderclaw/runtime"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"
import {
  createWsClient,
  startWsServer,
  type WsClientOptions,
  type WsServer,
  type WsServerOptions
} from "../../src/index.js"

/**
 * A token authenticator for tests: each `client(principal)` registers a fresh random token for that
 * principal, and connections authenticate with it, so every test goes through real credential checks.
 */
const tokenTable = () => {
  const principals = new Map<string, Principal>()
  const layer = Layer.succeed(
    Authenticator,
    Authenticator.of({
      authenticate: ({ credentials }) => {
        if (credentials.type !== "token") return Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
        const principal = principals.get(credentials.token)
        return principal === undefined
          ? Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
          : Effect.succeed({ principal })
      }
    })
  )
  const tokenFor = (principal: Principal) => {
    const token = randomUUID()
    principals.set(token, principal)
    return token
  }
  return { layer, tokenFor }
}

/** A runtime served on a loopback port, and clients of it. */
export interface Loopback {
  readonly server: WsServer
  readonly url: string
  /** A token that authenticates as `principal`. */
  tokenFor(principal: Principal): string
  client(principal: Principal, options?: Partial<WsClientOptions>): ReturnType<typeof createWsClient>
  close(): Promise<void>
}

/** Starts an in-memory runtime behind a WebSocket server on 127.0.0.1, port 0. */
export const startLoopback = async (
  runtimeOptions: RuntimeOptions,
  serverOptions: WsServerOptions = {}
): Promise<Loopback> => {
  const tokens = tokenTable()
  const managed = ManagedRuntime.make(Layer.mergeAll(Runtime.layerInMemory(runtimeOptions), tokens.layer))
  const server = await startWsServer({ runtime: managed, host: "127.0.0.1", port: 0, ...serverOptions })
  const clients: Array<ReturnType<typeof createWsClient>> = []
  return {
    server,
    url: server.url,
    tokenFor: tokens.tokenFor,
    client: (principal, options = {}) => {
      const client = createWsClient({
        url: server.url,
        credentials: { type: "token", token: tokens.tokenFor(principal) },
        WebSocket,
        ...options
      })
      clients.push(client)
      return client
    },
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.close()))
      await server.close()
      await managed.dispose()
    }
  }
}
