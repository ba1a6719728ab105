import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, settle } from "../support/streams.js"

/** Failed attempts are retried inside `running` up to maxAttempts, each recorded as attempt_failed. */
export const retryTests = (harness: Harness): void => {
  describe("retries", () => {
    it("an agent failing twice then succeeding with maxAttempts 3 completes on attempt 3", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({
        agentId: "flaky",
        description: "third time lucky",
        input: { succeedOnAttempt: 3 },
        maxAttempts: 3
      })
      const done = await settle(client, task.id)
      expect(done).toMatchObject({ status: "completed", attempt: 3, maxAttempts: 3, result: { attempt: 3 } })
      expect(done.error).toBeUndefined()
      const failures = (await collect(client.subscribe(task.id))).flatMap((envelope) =>
        envelope.event.type === "attempt_failed" ? [envelope.event] : []
      )
      // The suite's retry policy waits 1 ms between attempts.
      expect(
        failures.map((failure) => [failure.attempt, failure.maxAttempts, failure.error.code, failure.retryInMs])
      ).toEqual([
        [1, 3, "FLAKY", 1],
        [2, 3, "FLAKY", 1]
      ])
    })

    it("an agent that keeps failing fails the task with its own error code after maxAttempts", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({ agentId: "flaky", description: "never works", maxAttempts: 2 })
      const done = await settle(client, task.id)
      expect(done).toMatchObject({
        status: "failed",
        attempt: 2,
        error: { code: "FLAKY", message: "attempt 2 failed" }
      })
      const events = await collect(client.subscribe(task.id))
      expect(events.filter((envelope) => envelope.event.type === "attempt_failed")).toHaveLength(1)
    })
  })
}
