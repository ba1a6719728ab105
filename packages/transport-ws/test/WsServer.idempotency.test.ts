import { alice, bob, conformanceAgents } from "@coderclaw/transport-conformance"
import { afterEach, describe, expect, it } from "vitest"
import { type Loopback, startLoopback } from "./support/loopback.js"

let loopback: Loopback | undefined
afterEach(async () => {
  await loopback?.close()
  loopback = undefined
})

describe("task.submit with an idempotency key over WebSocket", () => {
  it("returns the first task to a retry on another connection, keeps owners apart, refuses a changed request", async () => {
    loopback = await startLoopback({ agents: conformanceAgents })
    const request = { agentId: "echo", description: "keyed", input: { n: 1 }, idempotencyKey: "ws-retry-1" }
    const first = await loopback.client(alice).submit(request)
    // A retry as after a lost answer: a new connection, the same key.
    const retried = await loopback.client(alice).submit(request)
    expect(retried.id).toBe(first.id)
    const other = await loopback.client(bob).submit(request)
    expect(other.id).not.toBe(first.id)
    const conflict = await loopback
      .client(alice)
      .submit({ ...request, input: { n: 2 } })
      .catch((error: unknown) => error)
    expect(conflict).toMatchObject({ _tag: "InvalidRequest", issues: [{ path: ["idempotencyKey"] }] })
    const badKey = await loopback
      .client(alice)
      .submit({ ...request, idempotencyKey: "has space" })
      .catch((error: unknown) => error)
    expect(badKey).toMatchObject({ _tag: "InvalidRequest" })
  })
})
