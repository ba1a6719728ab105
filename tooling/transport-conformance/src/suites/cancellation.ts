import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect, pause, reached, settle, shape } from "../support/streams.js"

/** cancel in every active status stops the work; cancel after the end is refused. */
export const cancellationTests = (harness: Harness): void => {
  describe("cancel", () => {
    it("cancels a pending task queued behind a running one: it never starts", async () => {
      const client = (await harness.start({ maxConcurrentTasks: 1 })).client(alice)
      const blocker = await client.submit({ agentId: "block", description: "holds the only slot" })
      await reached(client, blocker.id, "running")
      const path = harness.scratchPath("pending.txt")
      const queued = await client.submit({ agentId: "slow-writer", description: "queued", input: { path, delayMs: 0 } })
      expect((await client.get(queued.id)).status).toBe("pending")

      const cancelled = await client.cancel(queued.id, "not needed any more")
      expect(cancelled).toMatchObject({ id: queued.id, status: "cancelled" })
      const events = await collect(client.subscribe(queued.id))
      expect(shape(events)).toEqual(["created", "pending→cancelled"])
      expect(events.at(-1)?.event).toMatchObject({ reason: "not needed any more" })
      expect(events.at(-1)?.causedBy).toBe(alice.id)
      await pause(100)
      expect(existsSync(path)).toBe(false)
      expect((await client.get(blocker.id)).status).toBe("running")
      expect((await client.get(queued.id)).startedAt).toBeUndefined()
    })

    it("cancels a running task and its agent's work stops: the file it would write never appears", async () => {
      const client = (await harness.start()).client(alice)
      const keptPath = harness.scratchPath("kept.txt")
      const cancelledPath = harness.scratchPath("cancelled.txt")
      const kept = await client.submit({ agentId: "slow-writer", description: "kept", input: { path: keptPath } })
      const victim = await client.submit({
        agentId: "slow-writer",
        description: "cancelled",
        input: { path: cancelledPath }
      })
      await reached(client, victim.id, "running")

      const cancelled = await client.cancel(victim.id)
      expect(cancelled.status).toBe("cancelled")
      expect(cancelled.completedAt).toBeDefined()
      // The same agent, left alone, does write its file: so the missing file below is the cancel's doing.
      expect((await settle(client, kept.id)).status).toBe("completed")
      expect(await readFile(keptPath, "utf8")).toBe("written")
      await pause(150)
      expect(existsSync(cancelledPath)).toBe(false)
      const events = await collect(client.subscribe(victim.id))
      expect(shape(events)).toEqual(["created", "pending→planning", "planning→running", "running→cancelled"])
    })

    it("cancels a task waiting for input: the agent never resumes, and answering it is refused", async () => {
      const client = (await harness.start()).client(alice)
      const answeredPath = harness.scratchPath("answered.txt")
      const cancelledPath = harness.scratchPath("never-answered.txt")
      const answered = await client.submit({ agentId: "ask", description: "answered", input: { path: answeredPath } })
      const victim = await client.submit({ agentId: "ask", description: "cancelled", input: { path: cancelledPath } })
      await reached(client, answered.id, "waiting")
      await reached(client, victim.id, "waiting")

      const cancelled = await client.cancel(victim.id)
      expect(cancelled.status).toBe("cancelled")
      expect(cancelled.waitingFor).toBeUndefined()
      const refused = await rejectsWith(client.provideInput(victim.id, "too late"), "InvalidTransition")
      expect(refused.from).toBe("cancelled")

      await client.provideInput(answered.id, "yes")
      expect((await settle(client, answered.id)).status).toBe("completed")
      expect(await readFile(answeredPath, "utf8")).toBe('"yes"')
      await pause(50)
      expect(existsSync(cancelledPath)).toBe(false)
      expect((await client.get(victim.id)).status).toBe("cancelled")
    })

    it("cancelling a task that already ended is an InvalidTransition naming both statuses, and changes nothing", async () => {
      const client = (await harness.start()).client(alice)
      const completed = await settle(client, (await client.submit({ agentId: "echo", description: "done" })).id)
      const failed = await settle(
        client,
        (await client.submit({ agentId: "flaky", description: "fails", maxAttempts: 1 })).id
      )
      const cancelledOnce = await client.submit({ agentId: "block", description: "cancelled once" })
      await client.cancel(cancelledOnce.id)
      const cancelled = await client.get(cancelledOnce.id)

      for (const ended of [completed, failed, cancelled]) {
        const error = await rejectsWith(client.cancel(ended.id), "InvalidTransition")
        expect(error.from).toBe(ended.status)
        expect(error.to).toBe("cancelled")
        expect(error.taskId).toBe(ended.id)
        expect(error.message).toContain(ended.status)
        expect(error.message).toContain("cancelled")
        const after = await client.get(ended.id)
        expect(after.status).toBe(ended.status)
        expect(after.lastSeq).toBe(ended.lastSeq)
      }
    })
  })
}
