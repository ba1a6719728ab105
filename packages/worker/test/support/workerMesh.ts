import type { AgentDefinition } from "@coderclaw/runtime"
import { Authenticator, Authorizer, InMemoryJournal, Runtime } from "@coderclaw/runtime"
import { type AuditEntry, Security, type SecurityConfig, type SecurityShape } from "@coderclaw/security"
import { startWsServer, type WsServer } from "@coderclaw/transport-ws"
import { createWsClient, type WsClient } from "@coderclaw/transport-ws/client"
import { Effect, Layer, ManagedRuntime } from "effect"
import { WebSocket } from "ws"

/** A server for workers on loopback: runtime (in-memory journal), in-memory security, real WebSocket. */
export interface WorkerMesh {
  readonly server: WsServer
  readonly security: SecurityShape
  /** A session token of `username` (password `<username>-password-123`). */
  login(username: string): Promise<string>
  /** A client logged in as `username`, closed with the mesh. */
  connect(username: string, device?: Parameters<typeof createWsClient>[0]["device"]): Promise<WsClient>
  /** The audit log, in the order it was written. */
  audit(): Promise<ReadonlyArray<AuditEntry>>
  close(): Promise<void>
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/** Starts the mesh with these in-process agents, policies and users (`[username, roles]`). */
export const startWorkerMesh = async (options: {
  readonly agents?: ReadonlyArray<AgentDefinition>
  readonly policies?: SecurityConfig["policies"]
  readonly users: ReadonlyArray<readonly [string, ReadonlyArray<string>]>
}): Promise<WorkerMesh> => {
  const ports = Security.layerPorts({ Authorizer, Authenticator }).pipe(
    Layer.provideMerge(
      Security.layerInMemory({
        sessions: { issuer: "coderclaw-workers", audience: "coderclaw" },
        providers: { local: {} },
        ...(options.policies === undefined ? {} : { policies: options.policies })
      })
    )
  )
  const managed = ManagedRuntime.make(
    Layer.provideMerge(
      Runtime.layer({ agents: [...(options.agents ?? [])], maxConcurrentTasks: 64, shutdownGraceMs: 20 }),
      Layer.merge(InMemoryJournal.layer, ports)
    )
  )
  const security = await managed.runPromise(
    Effect.gen(function* () {
      return yield* Security
    })
  )
  const server = await startWsServer({ runtime: managed, host: "127.0.0.1", port: 0 })
  for (const [username, roles] of options.users)
    await run(security.users.createUser({ username, password: `${username}-password-123`, roles: [...roles] }))
  const clients: Array<WsClient> = []
  const login = async (username: string) =>
    (await run(security.loginWithPassword(username, `${username}-password-123`))).token
  return {
    server,
    security,
    login,
    connect: async (username, device) => {
      const client = createWsClient({
        url: server.url,
        credentials: { type: "token", token: await login(username) },
        ...(device === undefined ? {} : { device }),
        WebSocket: WebSocket as never,
        reconnect: { maxAttempts: 1 }
      })
      clients.push(client)
      return client
    },
    audit: async () => {
      const reader = { principalId: "local:auditor", permissions: new Set(["audit:read"]) }
      const entries: Array<AuditEntry> = []
      let cursor: string | undefined
      do {
        const page = await run(
          security.audit.query(reader, { limit: 1_000, ...(cursor === undefined ? {} : { cursor }) })
        )
        entries.push(...page.items)
        cursor = page.nextCursor
      } while (cursor !== undefined)
      return entries.sort((a, b) => a.seq - b.seq)
    },
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.close()))
      await server.close()
      await managed.dispose()
    }
  }
}
