import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect } from "../support/streams.js"

/** What a caller gets when a capability or the client itself is not available. */
export const availabilityTests = (harness: Harness): void => {
  describe("availability", () => {
    it("submitWorkflow rejects with Unavailable while no orchestrator provides workflows", async () => {
      const client = (await harness.start()).client(alice)
      await rejectsWith(
        client.submitWorkflow({
          name: "build and test",
          steps: [
            { id: "build", agentId: "echo", description: "build" },
            { id: "test", agentId: "echo", description: "test", dependsOn: ["build"] }
          ]
        }),
        "Unavailable"
      )
      expect((await client.list()).items).toEqual([])
    })

    it("a closed client rejects every call with Unavailable, and other clients keep working", async () => {
      const runtime = await harness.start()
      const closing = runtime.client(alice)
      const other = runtime.client(alice)
      const task = await closing.submit({ agentId: "echo", description: "before close" })
      await closing.close()

      await rejectsWith(closing.submit({ agentId: "echo", description: "after close" }), "Unavailable")
      await rejectsWith(closing.get(task.id), "Unavailable")
      await rejectsWith(closing.list(), "Unavailable")
      await rejectsWith(closing.cancel(task.id), "Unavailable")
      await rejectsWith(closing.provideInput(task.id, "x"), "Unavailable")
      await rejectsWith(collect(closing.subscribe(task.id)), "Unavailable")
      await rejectsWith(collect(closing.subscribeAll()), "Unavailable")
      await rejectsWith(closing.listAgents(), "Unavailable")
      await rejectsWith(closing.listSkills(), "Unavailable")
      await rejectsWith(closing.status(), "Unavailable")

      expect((await other.get(task.id)).id).toBe(task.id)
      expect((await other.list()).items).toHaveLength(1)
    })

    it("once the runtime is closed, its clients reject calls with Unavailable", async () => {
      const runtime = await harness.start()
      const client = runtime.client(alice)
      const task = await client.submit({ agentId: "echo", description: "before shutdown" })
      await runtime.close()
      await rejectsWith(client.get(task.id), "Unavailable")
      await rejectsWith(client.submit({ agentId: "echo", description: "after shutdown" }), "Unavailable")
      await rejectsWith(collect(client.subscribe(task.id)), "Unavailable")
      await rejectsWith(client.status(), "Unavailable")
    })
  })
}
