import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, settle, shape } from "../support/streams.js"

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** submit → pending record; get; the record follows the task to its end. */
export const submitTests = (harness: Harness): void => {
  describe("submit and get", () => {
    it("submit resolves with the task's pending record, owned by the caller in its session", async () => {
      const client = (await harness.start()).client(alice)
      const submitted = await client.submit({
        agentId: "echo",
        description: "say hi",
        input: { greeting: "hi" },
        priority: 5,
        maxAttempts: 2,
        metadata: { ticket: "T-1" }
      })
      expect(submitted.id).toMatch(uuidV7)
      expect(submitted).toMatchObject({
        status: "pending",
        agentId: "echo",
        description: "say hi",
        input: { greeting: "hi" },
        sessionId: alice.sessionId,
        owner: alice.id,
        rootId: submitted.id,
        attempt: 1,
        maxAttempts: 2,
        priority: 5,
        metadata: { ticket: "T-1" },
        progress: { percent: 0 },
        lastSeq: 1
      })
      expect(submitted.parentId).toBeUndefined()
      expect(submitted.result).toBeUndefined()
      expect(submitted.error).toBeUndefined()
    })

    it("get returns the current record, which ends completed with the agent's result", async () => {
      const client = (await harness.start()).client(alice)
      const submitted = await client.submit({ agentId: "echo", description: "echo", input: [1, 2, 3] })
      const fetched = await client.get(submitted.id)
      expect(fetched.id).toBe(submitted.id)
      expect(fetched.description).toBe("echo")
      const done = await settle(client, submitted.id)
      expect(done).toMatchObject({ id: submitted.id, status: "completed", result: { echoed: [1, 2, 3] } })
      expect(done.startedAt).toBeGreaterThanOrEqual(done.createdAt)
      expect(done.completedAt).toBeGreaterThanOrEqual(done.startedAt ?? Number.POSITIVE_INFINITY)
      const events = await collect(client.subscribe(submitted.id))
      expect(shape(events)).toEqual(["created", "pending→planning", "planning→running", "output", "running→completed"])
      expect(done.lastSeq).toBe(events.length)
    })
  })
}
