import { isRetryable } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { reached } from "../support/streams.js"

/** A full queue refuses work with a retryable Overloaded instead of growing without bound. */
export const admissionTests = (harness: Harness): void => {
  describe("admission", () => {
    it("refuses a submit beyond maxQueued with a retryable Overloaded, and accepts again once room frees", async () => {
      const client = (await harness.start({ maxConcurrentTasks: 1, maxQueued: 2 })).client(alice)
      const running = await client.submit({ agentId: "block", description: "running" })
      await reached(client, running.id, "running")
      const queued = [
        await client.submit({ agentId: "echo", description: "queued 1" }),
        await client.submit({ agentId: "echo", description: "queued 2" })
      ]
      const error = await rejectsWith(client.submit({ agentId: "echo", description: "one too many" }), "Overloaded")
      expect(error.limit).toBe(2)
      expect(error.queued).toBe(2)
      expect(isRetryable(error)).toBe(true)
      expect((await client.list()).items).toHaveLength(3)

      await client.cancel(queued[0]?.id ?? "")
      const accepted = await client.submit({ agentId: "echo", description: "fits now" })
      expect(accepted.status).toBe("pending")
    })
  })
}
