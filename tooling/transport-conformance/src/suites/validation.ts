import { makeTaskId } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import { rejectsWith } from "../support/errors.js"
import type { Harness } from "../support/Harness.js"
import { collect } from "../support/streams.js"

const pathsOf = (issues: ReadonlyArray<{ readonly path: ReadonlyArray<string | number> }>) =>
  issues.map((issue) => issue.path.join("."))

/** Bad input gets a typed error that says what is wrong; nothing is created. */
export const validationTests = (harness: Harness): void => {
  describe("bad input", () => {
    it("an invalid submit is an InvalidRequest naming every bad field, and creates nothing", async () => {
      const client = (await harness.start()).client(alice)
      const missing = await rejectsWith(client.submit({ agentId: "echo" } as never), "InvalidRequest")
      expect(pathsOf(missing.issues)).toEqual(["description"])
      expect(missing.message).toContain("description")

      const wrongTypes = await rejectsWith(
        client.submit({ agentId: "echo", description: 42, priority: "high", maxAttempts: 0 } as never),
        "InvalidRequest"
      )
      expect(pathsOf(wrongTypes.issues).sort()).toEqual(["description", "maxAttempts", "priority"])
      for (const field of ["description", "priority", "maxAttempts"]) expect(wrongTypes.message).toContain(field)

      const typo = await rejectsWith(
        client.submit({ agentId: "echo", description: "typo", descripton: "x" } as never),
        "InvalidRequest"
      )
      expect(pathsOf(typo.issues)).toEqual(["descripton"])
      expect((await client.list()).items).toEqual([])
    })

    it("a submit to an unknown agent is an AgentNotFound naming it", async () => {
      const client = (await harness.start()).client(alice)
      const error = await rejectsWith(client.submit({ agentId: "no-such-agent", description: "x" }), "AgentNotFound")
      expect(error.agentId).toBe("no-such-agent")
      expect((await client.list()).items).toEqual([])
    })

    it("an unknown task id is TaskNotFound and a malformed one InvalidRequest, on every call that takes one", async () => {
      const client = (await harness.start()).client(alice)
      const unknown = makeTaskId()
      expect((await rejectsWith(client.get(unknown), "TaskNotFound")).taskId).toBe(unknown)
      await rejectsWith(client.cancel(unknown), "TaskNotFound")
      await rejectsWith(client.provideInput(unknown, "x"), "TaskNotFound")
      await rejectsWith(collect(client.subscribe(unknown)), "TaskNotFound")

      const malformed = "not-a-task-id"
      await rejectsWith(client.get(malformed), "InvalidRequest")
      await rejectsWith(client.cancel(malformed), "InvalidRequest")
      await rejectsWith(client.provideInput(malformed, "x"), "InvalidRequest")
      await rejectsWith(collect(client.subscribe(malformed)), "InvalidRequest")
    })
  })
}
