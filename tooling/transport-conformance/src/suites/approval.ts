import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { describe, expect, it } from "vitest"
import { alice, bob } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect, readUntil, settle, shape } from "../support/streams.js"

/** A dangerous skill call waits in `waiting/approval`; `resolveApproval` lets it run or fails the task. */
export const approvalTests = (harness: Harness): void => {
  describe("resolveApproval", () => {
    const waitForApproval = async (
      client: ReturnType<Awaited<ReturnType<Harness["start"]>>["client"]>,
      path: string
    ) => {
      const task = await client.submit({
        agentId: "writer",
        description: "write notes",
        input: { path, content: "hi" }
      })
      const untilAsked = await readUntil(
        client.subscribe(task.id),
        (envelope) => envelope.event.type === "status_changed" && envelope.event.waitingFor === "approval"
      )
      const request = untilAsked.find((envelope) => envelope.event.type === "approval_requested")
      expect(request?.event).toMatchObject({ type: "approval_requested", skillId: "files.write" })
      // The approver sees who asks, where, and exactly what would be written.
      const summary = request?.event.type === "approval_requested" ? request.event.summary : ""
      expect(summary).toContain("writer wants to run files.write")
      expect(summary).toContain("repository demo; branch main; paths notes/out.txt")
      expect(summary).toContain(JSON.stringify(path))
      expect(await client.get(task.id)).toMatchObject({ status: "waiting", waitingFor: "approval" })
      // Nothing ran while the task waits.
      expect(existsSync(path)).toBe(false)
      return task
    }

    it("an approved dangerous skill call runs and the task completes", async () => {
      const client = (await harness.start()).client(alice)
      const path = harness.scratchPath("approved.txt")
      const task = await waitForApproval(client, path)
      const resumed = await client.resolveApproval(task.id, { approved: true, reason: "looks fine" })
      expect(resumed.id).toBe(task.id)
      const done = await settle(client, task.id)
      expect(done).toMatchObject({ status: "completed", result: { written: path } })
      expect(await readFile(path, "utf8")).toBe("hi")
      const events = await collect(client.subscribe(task.id))
      expect(shape(events)).toEqual([
        "created",
        "pending→planning",
        "planning→running",
        "approval_requested",
        "running→waiting",
        "approval_resolved",
        "waiting→running",
        "log",
        "running→completed"
      ])
      expect(events.find((envelope) => envelope.event.type === "approval_resolved")).toMatchObject({
        causedBy: alice.id,
        event: { approved: true, reason: "looks fine" }
      })
    })

    it("a denied dangerous skill call never runs and the task fails with APPROVAL_DENIED", async () => {
      const client = (await harness.start()).client(alice)
      const path = harness.scratchPath("denied.txt")
      const task = await waitForApproval(client, path)
      const denied = await client.resolveApproval(task.id, { approved: false, reason: "not on main" })
      expect(denied).toMatchObject({ status: "failed", error: { code: "APPROVAL_DENIED", message: "not on main" } })
      expect(await settle(client, task.id)).toMatchObject({ status: "failed" })
      expect(existsSync(path)).toBe(false)
      // The request and the wait it causes, and the refusal and the failure it causes, are consecutive.
      const events = await collect(client.subscribe(task.id))
      expect(shape(events).slice(-4)).toEqual([
        "approval_requested",
        "running→waiting",
        "approval_resolved",
        "waiting→failed"
      ])
      expect(events.slice(-4).map((envelope) => envelope.seq - (events.at(-4)?.seq ?? 0))).toEqual([0, 1, 2, 3])
      await expect(
        rejectsWith(client.resolveApproval(task.id, { approved: true }), "InvalidTransition")
      ).resolves.toMatchObject({
        from: "failed"
      })
    })

    it("deciding on a task that is not waiting for approval is an InvalidTransition and changes nothing", async () => {
      const client = (await harness.start()).client(alice)
      const asking = await client.submit({ agentId: "ask", description: "asks", input: { prompt: "?" } })
      await readUntil(client.subscribe(asking.id), (envelope) => envelope.event.type === "input_requested")
      const before = await client.get(asking.id)
      const refused = await rejectsWith(client.resolveApproval(asking.id, { approved: true }), "InvalidTransition")
      expect(refused.from).toBe("waiting")
      expect((await client.get(asking.id)).lastSeq).toBe(before.lastSeq)
    })

    it("another session's task is not found", async () => {
      const runtime = await harness.start()
      const path = harness.scratchPath("other.txt")
      const task = await waitForApproval(runtime.client(alice), path)
      await rejectsWith(runtime.client(bob).resolveApproval(task.id, { approved: true }), "TaskNotFound")
      expect(existsSync(path)).toBe(false)
    })
  })
}
