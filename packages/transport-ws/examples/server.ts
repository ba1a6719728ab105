import { Authenticator, defineAgent, Runtime } from "@coderclaw/runtime"
import { startWsServer } from "@coderclaw/transport-ws"
import { Effect, Layer, ManagedRuntime } from "effect"

const shout = defineAgent({ id: "shout", name: "Shout", run: (input) => Effect.succeed(String(input).toUpperCase()) })

export const serve = async (port = 0) => {
  // Development only: this authenticator believes whoever a client claims to be (and logs a warning).
  const layer = Layer.mergeAll(Runtime.layerInMemory({ agents: [shout] }), Authenticator.insecureDevelopment)
  const runtime = ManagedRuntime.make(layer)
  const server = await startWsServer({ runtime, host: "127.0.0.1", port })
  return { url: server.url, close: () => server.close().then(() => runtime.dispose()) }
}
