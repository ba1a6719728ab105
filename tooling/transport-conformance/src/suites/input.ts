import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect, reached, readUntil, settle, shape } from "../support/streams.js"

/** waiting for input → provideInput → running → completed with the answer. */
export const inputTests = (harness: Harness): void => {
  describe("provideInput", () => {
    it("answers a task waiting for input, which then completes with the answer", async () => {
      const client = (await harness.start()).client(alice)
      const task = await client.submit({
        agentId: "ask",
        description: "which branch",
        input: { prompt: "Which branch?" }
      })
      const untilAsked = await readUntil(
        client.subscribe(task.id),
        (envelope) => envelope.event.type === "input_requested"
      )
      expect(untilAsked.at(-1)?.event).toEqual({ type: "input_requested", prompt: "Which branch?" })
      const waiting = await client.get(task.id)
      expect(waiting).toMatchObject({ status: "waiting", waitingFor: "input" })

      const resumed = await client.provideInput(task.id, { branch: "main" })
      expect(resumed.id).toBe(task.id)
      expect(resumed.status).not.toBe("waiting")
      const done = await settle(client, task.id)
      expect(done).toMatchObject({ status: "completed", result: { answer: { branch: "main" } } })
      expect(done.waitingFor).toBeUndefined()
      const events = await collect(client.subscribe(task.id))
      expect(shape(events)).toEqual([
        "created",
        "pending→planning",
        "planning→running",
        "input_requested",
        "running→waiting",
        "input_provided",
        "waiting→running",
        "running→completed"
      ])
      expect(events.find((envelope) => envelope.event.type === "input_provided")).toMatchObject({
        causedBy: alice.id,
        event: { input: { branch: "main" } }
      })
    })

    it("answering a task that is not waiting for input (running, waiting for children, ended) is an InvalidTransition", async () => {
      const client = (await harness.start()).client(alice)
      const running = await client.submit({ agentId: "block", description: "busy" })
      await reached(client, running.id, "running")
      const whileRunning = await rejectsWith(client.provideInput(running.id, "unasked"), "InvalidTransition")
      expect(whileRunning.from).toBe("running")
      expect(whileRunning.event).toBe("provide_input")
      expect((await client.get(running.id)).status).toBe("running")

      const parent = await client.submit({
        agentId: "parent",
        description: "waits for a child",
        input: { children: ["x"], childAgent: "block" }
      })
      await readUntil(
        client.subscribe(parent.id),
        (envelope) => envelope.event.type === "status_changed" && envelope.event.waitingFor === "children"
      )
      const whileWaitingForChildren = await rejectsWith(client.provideInput(parent.id, "unasked"), "InvalidTransition")
      expect(whileWaitingForChildren.from).toBe("waiting")
      expect(await client.get(parent.id)).toMatchObject({ status: "waiting", waitingFor: "children" })

      const completed = await settle(client, (await client.submit({ agentId: "echo", description: "done" })).id)
      const afterEnd = await rejectsWith(client.provideInput(completed.id, "late"), "InvalidTransition")
      expect(afterEnd.from).toBe("completed")
      expect((await client.get(completed.id)).lastSeq).toBe(completed.lastSeq)
    })
  })
}
