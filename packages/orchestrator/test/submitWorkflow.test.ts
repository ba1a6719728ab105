import type { WorkflowDefinition } from "@coderclaw/protocol"
import { afterEach, describe, expect, it } from "vitest"
import { runWorkflow } from "../src/index.js"
import { makeTestAgents, startRuntime } from "./support/harness.js"

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const step = (id: string, dependsOn: ReadonlyArray<string> = []) => ({
  id,
  agentId: "worker",
  description: id,
  ...(dependsOn.length === 0 ? {} : { dependsOn })
})

describe("submitWorkflow through a RuntimeClient (transport-local)", () => {
  it("runs a workflow submitted by a client", async () => {
    const test = makeTestAgents(["worker"])
    const runtime = startRuntime(test.agents)
    close = runtime.close
    const task = await runtime.client.submitWorkflow({ name: "via client", steps: [step("one"), step("two", ["one"])] })
    expect(task.agentId).toBe("workflow")
    expect(task.status).toBe("pending")
    const run = await runWorkflow(runtime.client, { name: "again", steps: [step("only")] })
    expect(run.result.status).toBe("completed")
    const first = await runtime.client.get(task.id)
    expect(["running", "waiting", "completed"]).toContain(first.status)
  })

  const rejected: ReadonlyArray<[string, WorkflowDefinition, string]> = [
    [
      "a cycle",
      { name: "cycle", steps: [step("a", ["c"]), step("b", ["a"]), step("c", ["b"])] },
      "dependency cycle: a → c → b → a"
    ],
    [
      "an unknown dependency",
      { name: "unknown", steps: [step("a"), step("b", ["nope"])] },
      "step 'b' depends on unknown step 'nope'"
    ],
    ["a duplicate id", { name: "duplicate", steps: [step("a"), step("a")] }, "duplicate step id 'a'"]
  ]
  for (const [what, definition, message] of rejected) {
    it(`rejects ${what} before anything runs, naming it`, async () => {
      const test = makeTestAgents(["worker"])
      const runtime = startRuntime(test.agents)
      close = runtime.close
      const error = await runtime.client.submitWorkflow(definition).then(
        () => undefined,
        (failure: unknown) => failure
      )
      expect(error).toMatchObject({ _tag: "InvalidRequest" })
      expect(String((error as Error).message)).toContain(message)
      expect((await runtime.client.list()).items).toEqual([])
      expect(test.starts).toEqual([])
    })
  }

  it("rejects a step on an unknown agent before anything runs", async () => {
    const test = makeTestAgents(["worker"])
    const runtime = startRuntime(test.agents)
    close = runtime.close
    await expect(
      runtime.client.submitWorkflow({ name: "x", steps: [{ id: "a", agentId: "ghost", description: "a" }] })
    ).rejects.toMatchObject({ _tag: "AgentNotFound", agentId: "ghost" })
    expect((await runtime.client.list()).items).toEqual([])
  })

  it("fails a workflow whose reference names a step outside its dependencies, starting no step", async () => {
    const test = makeTestAgents(["worker"])
    const runtime = startRuntime(test.agents)
    close = runtime.close
    const run = await runWorkflow(runtime.client, {
      name: "bad reference",
      steps: [step("a"), { ...step("b"), input: { $step: "a" } }]
    })
    expect(run.task.status).toBe("failed")
    expect(run.task.error?.code).toBe("INVALID_WORKFLOW")
    expect(run.task.error?.message).toContain("step 'b' references step 'a', which is not one of its dependencies")
    expect(test.starts).toEqual([])
  })
})
