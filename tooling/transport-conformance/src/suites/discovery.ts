import { describe, expect, it } from "vitest"
import { conformanceAgents, conformanceSkills } from "../fixtures/agents.js"
import { alice } from "../fixtures/principals.js"
import { conformanceNodeId, type Harness } from "../support/Harness.js"
import { pause, reached, settle } from "../support/streams.js"

/** listAgents, listSkills and status tell callers what the runtime offers and how it is doing. */
export const discoveryTests = (harness: Harness): void => {
  describe("agents, skills and status", () => {
    it("listAgents returns the descriptor of every registered agent", async () => {
      const client = (await harness.start()).client(alice)
      const agents = await client.listAgents()
      expect(agents).toEqual(conformanceAgents.map((agent) => agent.descriptor))
      expect(agents.find((agent) => agent.id === "shout")).toEqual({
        id: "shout",
        name: "Shout",
        description: "Upper-cases its input through a skill.",
        capabilities: ["text"],
        skills: ["text.upper"],
        maxConcurrent: 2
      })
    })

    it("listSkills returns the descriptor of every registered skill", async () => {
      const client = (await harness.start()).client(alice)
      const skills = await client.listSkills()
      expect(skills).toEqual(conformanceSkills.map((skill) => skill.descriptor))
      expect(skills).toEqual([
        {
          id: "text.upper",
          name: "Upper case",
          description: "Upper-cases a string.",
          permissions: ["skill:execute"],
          dangerous: false
        },
        {
          id: "files.write",
          name: "Write a file",
          description: "Writes a file; dangerous, so it waits for approval.",
          permissions: ["skill:execute"],
          dangerous: true
        }
      ])
    })

    it("status reports real counts per state, queue depth, uptime, mode, node id and health checks", async () => {
      const client = (await harness.start({ maxConcurrentTasks: 1, mode: "local-only" })).client(alice)
      await settle(client, (await client.submit({ agentId: "echo", description: "completed" })).id)
      await settle(client, (await client.submit({ agentId: "flaky", description: "failed", maxAttempts: 1 })).id)
      const toCancel = await client.submit({ agentId: "block", description: "cancelled" })
      await client.cancel(toCancel.id)
      const waiting = await client.submit({ agentId: "ask", description: "waiting" })
      await reached(client, waiting.id, "waiting")
      const running = await client.submit({ agentId: "block", description: "running" })
      await reached(client, running.id, "running")
      await client.submit({ agentId: "echo", description: "pending" })
      await client.submit({ agentId: "echo", description: "pending too" })
      await pause(5)

      const status = await client.status()
      expect(status.tasks).toEqual({
        pending: 2,
        planning: 0,
        running: 1,
        waiting: 1,
        completed: 1,
        failed: 1,
        cancelled: 1
      })
      expect(status.queueDepth).toBe(2)
      expect(status.uptimeMs).toBeGreaterThan(0)
      expect(status.startedAt).toBeLessThanOrEqual(Date.now())
      expect(status.mode).toBe("local-only")
      expect(status.nodeId).toBe(conformanceNodeId)
      expect(status.version.length).toBeGreaterThan(0)
      expect(status.protocolVersion).toBeGreaterThanOrEqual(1)
      expect(status.health.checks).toContainEqual(expect.objectContaining({ name: "journal-writable", state: "ok" }))
      expect(["ok", "degraded"]).toContain(status.health.state)

      await client.cancel(running.id)
      const later = await client.status()
      expect(later.tasks.cancelled).toBe(2)
      expect(later.uptimeMs).toBeGreaterThanOrEqual(status.uptimeMs)
    })
  })
}
