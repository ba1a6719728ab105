import { defineAsyncAgent } from "@coderclaw/runtime"
import { CoderClawRuntime } from "@coderclaw/transport-local"
import { createWsClient, WsTransportAdapter } from "@coderclaw/transport-ws"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { type SecuredMesh, startSecuredMesh } from "./support/securedMesh.js"

// The original `CoderClawRuntime` facade on a remote runtime: a real WebSocket server on loopback, real
// password logins, the facade's calls going over the wire through `WsTransportAdapter`.

const reviewer = defineAsyncAgent({
  id: "reviewer",
  name: "Reviewer",
  run: async (input, ctx) => {
    await ctx.progress(50, "reading")
    return { reviewed: String(input) }
  }
})

let mesh: SecuredMesh
const credentials = { type: "password", username: "alice", password: "alice-password-123" } as const

beforeAll(async () => {
  mesh = await startSecuredMesh(
    { sessions: { issuer: "coderclaw-facade", audience: "coderclaw" }, providers: { local: {} } },
    { agents: [reviewer], skills: [] }
  )
  await Effect.runPromise(
    mesh.security.users.createUser({ username: "alice", password: credentials.password, roles: ["developer"] })
  )
})

afterAll(async () => {
  await mesh?.close()
})

describe("CoderClawRuntime on WsTransportAdapter (remote-enabled)", () => {
  it("submits, streams, reads, cancels and reports status over the wire", async () => {
    const runtime = new CoderClawRuntime(
      new WsTransportAdapter({ url: mesh.server.url, credentials, WebSocket: WebSocket as never }),
      "remote-enabled"
    )
    try {
      expect((await runtime.listAgents()).map((agent) => agent.id)).toContain("reviewer")
      const task = await runtime.submitTask({ agentId: "reviewer", description: "Review src/", input: "src/" })
      expect(task.status).toBe("pending")
      const seen: Array<string> = []
      for await (const { seq, event } of runtime.streamTaskUpdates(task.id)) {
        if (event.type === "status_changed") seen.push(`${seq} ${event.to}`)
        if (event.type === "progress") seen.push(`${seq} ${event.percent}%`)
      }
      expect(seen).toEqual(["2 planning", "3 running", "4 50%", "5 completed"])
      const state = await runtime.getTaskState(task.id)
      expect(state?.result).toEqual({ reviewed: "src/" })
      expect(state?.owner).toBe("local:alice")
      expect(await runtime.cancelTask(task.id)).toBe(false)
      expect(await runtime.getTaskState("0190d1e4-7a55-7c2e-8a1b-6f1e2d3c4b5a")).toBeUndefined()
      const status = await runtime.getStatus()
      expect(status.tasks.completed).toBeGreaterThanOrEqual(1)
    } finally {
      await runtime.close()
    }
    // Closing the facade closes its connection, not the remote runtime.
    const other = createWsClient({ url: mesh.server.url, credentials, WebSocket: WebSocket as never })
    try {
      expect((await other.status()).health.state).toBe("ok")
    } finally {
      await other.close()
    }
  })

  it("wrong credentials reject the call with Unauthenticated", async () => {
    const runtime = new CoderClawRuntime(
      new WsTransportAdapter({
        url: mesh.server.url,
        credentials: { ...credentials, password: "not-her-password" },
        WebSocket: WebSocket as never,
        reconnect: { maxAttempts: 1 }
      }),
      "remote-enabled"
    )
    try {
      await expect(runtime.listAgents()).rejects.toMatchObject({ _tag: "Unauthenticated" })
    } finally {
      await runtime.close()
    }
  })

  it("serves only remote-enabled: the facade refuses local-only on it", () => {
    const adapter = new WsTransportAdapter({ url: mesh.server.url, credentials, WebSocket: WebSocket as never })
    expect(() => new CoderClawRuntime(adapter, "local-only")).toThrow(/cannot run in mode "local-only"/)
    return adapter.close()
  })
})
