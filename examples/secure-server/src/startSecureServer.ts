import { type AgentDefinition, Authenticator, Authorizer, InMemoryJournal, Runtime } from "@coderclaw/runtime"
import { Security, type SecurityConfig, type SecurityShape } from "@coderclaw/security"
import { startWsServer, type WsServer } from "@coderclaw/transport-ws"
import { Effect, Layer, ManagedRuntime } from "effect"

/** A runtime behind an authenticated WebSocket server, with the security service that guards both. */
export interface SecureServer {
  readonly server: WsServer
  readonly security: SecurityShape
  close(): Promise<void>
}

const securityService = Effect.gen(function* () {
  return yield* Security
})

/**
 * The minimal secure server: `security.yaml` (here as a value) → `Security`, whose `authenticator` and
 * `authorizer` become the runtime's two ports; the WebSocket server finds them in the runtime's context and
 * consults them on every connection and every call.
 */
export const startSecureServer = async (options: {
  readonly config: SecurityConfig
  readonly agents: ReadonlyArray<AgentDefinition>
  readonly host?: string
  readonly port?: number
}): Promise<SecureServer> => {
  const ports = Security.layerPorts({ Authorizer, Authenticator }).pipe(
    Layer.provideMerge(Security.layerInMemory(options.config))
  )
  const runtime = ManagedRuntime.make(
    Layer.provideMerge(
      Runtime.layer({ agents: options.agents, mode: "remote-enabled" }),
      Layer.merge(InMemoryJournal.layer, ports)
    )
  )
  const security = await runtime.runPromise(securityService)
  const server = await startWsServer({ runtime, host: options.host ?? "127.0.0.1", port: options.port ?? 0 })
  return {
    server,
    security,
    close: async () => {
      await server.close()
      await runtime.dispose()
    }
  }
}
