import { existsSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect, pause, reached, settle, shape } from "../support/streams.js"

/** timeoutMs and waitingTimeoutMs fail the task with TIMEOUT and stop its work. */
export const deadlineTests = (harness: Harness): void => {
  describe("deadlines", () => {
    it("timeoutMs fails a slow task with error code TIMEOUT and stops its work", async () => {
      const client = (await harness.start()).client(alice)
      const path = harness.scratchPath("late.txt")
      const task = await client.submit({
        agentId: "slow-writer",
        description: "too slow",
        input: { path, delayMs: 400 },
        timeoutMs: 100
      })
      expect(task.deadline).toBe(task.createdAt + 100)
      const done = await settle(client, task.id)
      expect(done.status).toBe("failed")
      expect(done.error?.code).toBe("TIMEOUT")
      expect(done.completedAt).toBeGreaterThanOrEqual(task.createdAt + 100)
      // Stopped before its work was done (the agent writes after 400 ms), however late the machine ran it.
      expect(existsSync(path)).toBe(false)
      const events = await collect(client.subscribe(task.id))
      expect(events.at(-1)?.event).toMatchObject({
        type: "status_changed",
        from: "running",
        to: "failed",
        error: { code: "TIMEOUT" }
      })
      await pause(400)
      expect(existsSync(path)).toBe(false)
    })

    it("timeoutMs counts from submit: a task still queued at its deadline fails with TIMEOUT without starting", async () => {
      const client = (await harness.start({ maxConcurrentTasks: 1 })).client(alice)
      const blocker = await client.submit({ agentId: "block", description: "holds the only slot" })
      await reached(client, blocker.id, "running")
      const queued = await client.submit({ agentId: "echo", description: "queued too long", timeoutMs: 50 })
      const done = await settle(client, queued.id)
      expect(done).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } })
      expect(done.startedAt).toBeUndefined()
      expect(shape(await collect(client.subscribe(queued.id)))).toEqual(["created", "pending→failed"])
      expect((await client.get(blocker.id)).status).toBe("running")
    })

    it("waitingTimeoutMs fails a task left waiting for input with error code TIMEOUT", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({ agentId: "ask", description: "nobody answers", waitingTimeoutMs: 100 })
      const done = await settle(client, task.id)
      expect(done.status).toBe("failed")
      expect(done.error?.code).toBe("TIMEOUT")
      const events = await collect(client.subscribe(task.id))
      const waitingSince = events.find(
        (envelope) => envelope.event.type === "status_changed" && envelope.event.to === "waiting"
      )
      expect(waitingSince).toBeDefined()
      expect(events.at(-1)?.event).toMatchObject({
        type: "status_changed",
        from: "waiting",
        to: "failed",
        error: { code: "TIMEOUT" }
      })
      // Not before the deadline. The deadline's timer runs on a monotonic clock and event times are wall-clock
      // milliseconds, which can disagree by a millisecond or two: allow that much, never more.
      expect((events.at(-1)?.at ?? 0) - (waitingSince?.at ?? 0)).toBeGreaterThanOrEqual(100 - 5)
      const late = await rejectsWith(client.provideInput(task.id, "too late"), "InvalidTransition")
      expect(late.from).toBe("failed")
    })
  })
}
