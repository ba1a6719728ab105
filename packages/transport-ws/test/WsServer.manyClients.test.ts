import type { RuntimeClient } from "@coderclaw/protocol"
import { conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { type Loopback, startLoopback } from "./support/loopback.js"

const clients = 200
const tasksPerClient = 3

let loopback: Loopback | undefined
afterEach(async () => {
  await loopback?.close()
  loopback = undefined
})

const run = async (client: RuntimeClient, index: number) => {
  const submitted = await Promise.all(
    Array.from({ length: tasksPerClient }, (_, task) =>
      client.submit({ agentId: "steps", description: `client ${index} task ${task}`, input: { count: 3, delayMs: 2 } })
    )
  )
  return Promise.all(
    submitted.map(async (task) => {
      const events = []
      for await (const envelope of client.subscribe(task.id)) events.push(envelope)
      return { id: task.id, events }
    })
  )
}

describe("many clients", { timeout: 300_000 }, () => {
  it(`${clients} concurrent connections each submit and stream ${tasksPerClient} tasks, and all complete`, async () => {
    loopback = await startLoopback({ agents: conformanceAgents, maxConcurrentTasks: 64 })
    const started = loopback
    const principals = Array.from({ length: clients }, (_, index) => ({
      id: `local:user-${index}`,
      provider: "local" as const,
      sessionId: `session-${index}`,
      roles: ["developer"],
      trust: "trusted" as const
    }))
    // Hundreds of handshakes at once on a busy machine: connections get a generous time to open.
    const connected = principals.map((principal) =>
      started.client(principal, { connectTimeoutMs: 120_000, requestTimeoutMs: 120_000 })
    )
    const results = await Promise.all(connected.map(run))
    expect(started.server.connectionCount).toBe(clients)
    for (const result of results) {
      expect(result).toHaveLength(tasksPerClient)
      for (const { events } of result) {
        expect(events.map((envelope) => envelope.seq)).toEqual(events.map((_, index) => index + 1))
        expect(events.at(-1)?.event).toMatchObject({ type: "status_changed", to: "completed" })
      }
    }
    // Each caller sees its own session's tasks only.
    const listed = await connected[0]?.list()
    expect(listed?.items.map((task) => task.sessionId)).toEqual(Array(tasksPerClient).fill("session-0"))
  })
})
