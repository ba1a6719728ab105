import { describe, expect, it } from "vitest"
import { admin, alice, bob } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect, reached, readUntil } from "../support/streams.js"

/** Per-session visibility: another session's tasks do not exist for a caller; admins see all. */
export const visibilityTests = (harness: Harness): void => {
  describe("visibility", () => {
    it("a caller in another session cannot get, list, cancel, answer or subscribe to a task: TaskNotFound", async () => {
      const runtime = await harness.start()
      const owner = runtime.client(alice)
      const stranger = runtime.client(bob)
      const task = await owner.submit({ agentId: "ask", description: "private question" })
      await reached(owner, task.id, "waiting")

      const notFound = await rejectsWith(stranger.get(task.id), "TaskNotFound")
      expect(notFound.taskId).toBe(task.id)
      await rejectsWith(stranger.cancel(task.id), "TaskNotFound")
      await rejectsWith(stranger.provideInput(task.id, "hijacked"), "TaskNotFound")
      await rejectsWith(collect(stranger.subscribe(task.id)), "TaskNotFound")
      expect((await stranger.list()).items).toEqual([])
      expect((await stranger.list({ sessionId: alice.sessionId })).items).toEqual([])

      // Nothing the stranger tried changed the task.
      const after = await owner.get(task.id)
      expect(after.status).toBe("waiting")
      expect((await owner.list()).items.map((record) => record.id)).toEqual([task.id])
    })

    it("a caller cannot submit into another caller's session: Forbidden", async () => {
      const runtime = await harness.start()
      const stranger = runtime.client(bob)
      await rejectsWith(
        stranger.submit({ agentId: "echo", description: "intrude", sessionId: alice.sessionId }),
        "Forbidden"
      )
      expect((await runtime.client(alice).list()).items).toEqual([])
    })

    it("a principal with the admin role sees and follows the tasks of every session", async () => {
      const runtime = await harness.start()
      const fromAlice = await runtime.client(alice).submit({ agentId: "block", description: "alice's" })
      const fromBob = await runtime.client(bob).submit({ agentId: "echo", description: "bob's" })
      const operator = runtime.client(admin)

      expect((await operator.get(fromAlice.id)).sessionId).toBe(alice.sessionId)
      expect((await operator.get(fromBob.id)).sessionId).toBe(bob.sessionId)
      const listed = (await operator.list()).items.map((record) => record.id)
      expect(listed).toEqual([fromBob.id, fromAlice.id])
      const onlyAlice = await operator.list({ sessionId: alice.sessionId })
      expect(onlyAlice.items.map((record) => record.id)).toEqual([fromAlice.id])
      const first = await readUntil(operator.subscribe(fromAlice.id), () => true)
      expect(first[0]?.event.type).toBe("created")
    })
  })
}
