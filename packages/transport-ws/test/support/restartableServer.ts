import { freeFixedPort } from "@coderclaw/process-harness"
import { type Principal, Unauthenticated } from "@coderclaw/protocol"
import { Authenticator, Runtime, type RuntimeOptions } from "@coderclaw/runtime"
import { Effect, Layer, ManagedRuntime } from "effect"
import { startWsServer, type WsServer } from "../../src/index.js"

/**
 * One runtime outliving any number of WebSocket servers on the same port: `stop` is the server going away
 * (every connection closed, nothing listening) while its tasks go on, `start` is it coming back.
 */
export interface RestartableServer {
  readonly url: string
  /** A fixed token authenticating as `principal`. */
  readonly token: string
  runPromise: ManagedRuntime.ManagedRuntime<Runtime | Authenticator, unknown>["runPromise"]
  start(): Promise<void>
  stop(): Promise<void>
  close(): Promise<void>
}

export const startRestartableServer = async (
  runtimeOptions: RuntimeOptions,
  principal: Principal
): Promise<RestartableServer> => {
  const token = "outage-test-token"
  const authenticator = Layer.succeed(
    Authenticator,
    Authenticator.of({
      authenticate: ({ credentials }) =>
        credentials.type === "token" && credentials.token === token
          ? Effect.succeed({ principal })
          : Effect.fail(new Unauthenticated({ reason: "invalid_credentials" }))
    })
  )
  const managed = ManagedRuntime.make(Layer.mergeAll(Runtime.layerInMemory(runtimeOptions), authenticator))
  const port = await freeFixedPort()
  let server: WsServer | undefined
  const start = async () => {
    server = await startWsServer({ runtime: managed, host: "127.0.0.1", port })
  }
  const stop = async () => {
    await server?.close()
    server = undefined
  }
  await start()
  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    runPromise: managed.runPromise,
    start,
    stop,
    close: async () => {
      await stop()
      await managed.dispose()
    }
  }
}
