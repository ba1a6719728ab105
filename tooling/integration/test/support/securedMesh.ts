import type { RuntimeClient, TaskRecord } from "@coderclaw/protocol"
import type { AgentDefinition, SkillDefinition } from "@coderclaw/runtime"
import { Authenticator, Authorizer, InMemoryJournal, Runtime } from "@coderclaw/runtime"
import { Security, type SecurityConfig, type SecurityShape } from "@coderclaw/security"
import { until } from "@coderclaw/test-kit"
import { createWsClient, startWsServer, type WsServer } from "@coderclaw/transport-ws"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"

/** A runtime on an in-memory journal, guarded by the in-memory security service, behind a real WebSocket server. */
export interface SecuredMesh {
  readonly server: WsServer
  readonly security: SecurityShape
  readonly close: () => Promise<void>
}

const securityService = Effect.gen(function* () {
  return yield* Security
})

/** Starts a secured mesh on loopback (port 0) with these agents and skills. */
export const startSecuredMesh = async (
  config: SecurityConfig,
  definitions: { readonly agents: ReadonlyArray<AgentDefinition>; readonly skills: ReadonlyArray<SkillDefinition> }
): Promise<SecuredMesh> => {
  // The runtime's two ports, answered by the security service.
  const ports = Security.layerPorts({ Authorizer, Authenticator }).pipe(
    Layer.provideMerge(Security.layerInMemory(config))
  )
  const managed = ManagedRuntime.make(
    Layer.provideMerge(
      Runtime.layer({ agents: [...definitions.agents], skills: [...definitions.skills], shutdownGraceMs: 20 }),
      Layer.merge(InMemoryJournal.layer, ports)
    )
  )
  const security = await managed.runPromise(securityService)
  const server = await startWsServer({ runtime: managed, host: "127.0.0.1", port: 0 })
  return {
    server,
    security,
    close: async () => {
      await server.close()
      await managed.dispose()
    }
  }
}

/**
 * A WebSocket client of `mesh` logged in as `username` (password `<username>-password-123`): each call
 * is a new login, so a new session.
 */
export const loginClient = async (mesh: SecuredMesh, username: string): Promise<RuntimeClient> => {
  const { token } = await Effect.runPromise(mesh.security.loginWithPassword(username, `${username}-password-123`))
  return createWsClient({
    url: mesh.server.url,
    credentials: { type: "token", token },
    WebSocket: WebSocket as never,
    reconnect: { maxAttempts: 1 }
  })
}

/** Reads the task until `done` holds (polling `get`), or throws after 20 s. */
export const untilTask = async (
  client: RuntimeClient,
  id: string,
  done: (task: TaskRecord) => boolean
): Promise<TaskRecord> => {
  let task: TaskRecord | undefined
  await until(
    async () => {
      task = await client.get(id)
      return done(task)
    },
    { timeoutMs: 20_000, what: `task ${id} to reach the expected state` }
  )
  return task as TaskRecord
}
