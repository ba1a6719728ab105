import type { TaskRecord, WorkflowDefinition } from "@coderclaw/protocol"
import { afterEach, describe, expect, it } from "vitest"
import { awaitWorkflow, runWorkflow, stepMetadataKey } from "../src/index.js"
import { makeTestAgents, startRuntime, until } from "./support/harness.js"

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const setUp = (...args: Parameters<typeof makeTestAgents>) => {
  const test = makeTestAgents(...args)
  const runtime = startRuntime(test.agents)
  close = runtime.close
  return { ...test, ...runtime }
}

const childrenOf = async (client: ReturnType<typeof startRuntime>["client"], parentId: string) =>
  (await client.list({ parentId }, { limit: 500 })).items

describe("workflow agent", () => {
  it("runs a diamond in dependency order, passing real results (whole, by path, and as dependencies)", async () => {
    const { client, starts, ends } = setUp(["worker"], {
      a: { result: () => ({ value: 21, label: "from a" }) },
      b: { delayMs: 30, result: (step) => ({ doubled: Number(step.input) * 2 }) },
      c: { result: (step) => ({ sawA: step.dependencies.a ?? null }) }
    })
    const definition: WorkflowDefinition = {
      name: "diamond",
      steps: [
        {
          id: "d",
          agentId: "worker",
          description: "join",
          dependsOn: ["b", "c"],
          input: { left: { $step: "b" }, right: { $step: "c", path: ["sawA", "label"] } }
        },
        { id: "b", agentId: "worker", description: "left", dependsOn: ["a"], input: { $step: "a", path: "value" } },
        { id: "c", agentId: "worker", description: "right", dependsOn: ["a"] },
        { id: "a", agentId: "worker", description: "root" }
      ]
    }
    const run = await runWorkflow(client, definition)
    expect(run.task.status).toBe("completed")
    expect(run.result.status).toBe("completed")
    expect(starts[0]).toBe("a")
    expect(starts.at(-1)).toBe("d")
    expect(starts.indexOf("b")).toBeGreaterThan(ends.indexOf("a"))
    expect(starts.indexOf("c")).toBeGreaterThan(ends.indexOf("a"))
    expect(starts.indexOf("d")).toBeGreaterThan(Math.max(ends.indexOf("b"), ends.indexOf("c")))
    expect(run.result.steps.b?.result).toEqual({ doubled: 42 })
    expect(run.result.steps.c?.result).toEqual({ sawA: { value: 21, label: "from a" } })
    expect(run.result.steps.d?.result).toEqual({
      step: "d",
      by: "worker",
      input: { left: { doubled: 42 }, right: "from a" },
      dependencies: { b: { doubled: 42 }, c: { sawA: { value: 21, label: "from a" } } }
    })
    // Every step is a child task of the workflow task, labelled with its step id; the parent waited for them.
    const children = await childrenOf(client, run.task.id)
    expect(children.map((child) => child.metadata[stepMetadataKey]).sort()).toEqual(["a", "b", "c", "d"])
    expect(children.every((child) => child.parentId === run.task.id && child.status === "completed")).toBe(true)
    const waits: Array<string> = []
    for await (const envelope of client.subscribe(run.task.id)) {
      if (envelope.event.type === "status_changed" && envelope.event.to === "waiting")
        waits.push(envelope.event.waitingFor ?? "")
    }
    expect(waits.length).toBeGreaterThan(0)
    expect(new Set(waits)).toEqual(new Set(["children"]))
  })

  it("runs a wide DAG in parallel up to maxParallel, then joins every result", async () => {
    const leaves = Array.from({ length: 8 }, (_, index) => `leaf${index}`)
    const { client, starts, maxRunning } = setUp(
      ["worker"],
      Object.fromEntries(leaves.map((leaf) => [leaf, { delayMs: 40, result: () => ({ leaf }) }]))
    )
    const run = await runWorkflow(client, {
      name: "wide",
      maxParallel: 3,
      steps: [
        { id: "root", agentId: "worker", description: "root" },
        ...leaves.map((leaf) => ({ id: leaf, agentId: "worker", description: leaf, dependsOn: ["root"] })),
        { id: "join", agentId: "worker", description: "join", dependsOn: leaves }
      ]
    })
    expect(run.result.status).toBe("completed")
    expect(maxRunning()).toBe(3)
    expect(starts[0]).toBe("root")
    expect(starts.at(-1)).toBe("join")
    const join = run.result.steps.join?.result as { dependencies: Record<string, unknown> }
    expect(join.dependencies).toEqual(Object.fromEntries(leaves.map((leaf) => [leaf, { leaf }])))
  })

  it("continue policy: a failing step skips exactly its dependents, naming the dependency", async () => {
    const { client, starts } = setUp(["worker"], { b: { fail: true } })
    const run = await runWorkflow(client, {
      name: "partial",
      failurePolicy: "continue",
      steps: [
        { id: "a", agentId: "worker", description: "a" },
        { id: "b", agentId: "worker", description: "b", dependsOn: ["a"] },
        { id: "c", agentId: "worker", description: "c", dependsOn: ["b"] },
        { id: "d", agentId: "worker", description: "d", dependsOn: ["c", "e"] },
        { id: "e", agentId: "worker", description: "e", dependsOn: ["a"] },
        { id: "f", agentId: "worker", description: "f", dependsOn: ["e"] },
        { id: "g", agentId: "worker", description: "g" }
      ]
    })
    expect(run.task.status).toBe("failed")
    expect(run.task.error?.code).toBe("WORKFLOW_FAILED")
    expect(run.result.status).toBe("failed")
    const statuses = Object.fromEntries(Object.entries(run.result.steps).map(([id, step]) => [id, step.status]))
    expect(statuses).toEqual({
      a: "completed",
      b: "failed",
      c: "skipped",
      d: "skipped",
      e: "completed",
      f: "completed",
      g: "completed"
    })
    expect(run.result.steps.b?.error).toEqual({ code: "BROKEN", message: "step b broke" })
    expect(run.result.steps.c?.reason).toBe("dependency 'b' failed")
    expect(run.result.steps.d?.reason).toBe("dependency 'c' was skipped")
    expect([...starts].sort()).toEqual(["a", "b", "e", "f", "g"])
  })

  it("fail-fast: the first failure cancels running steps and starts nothing more", async () => {
    const { client, starts, ends } = setUp(["worker"], { a: { fail: true }, slow: { delayMs: 5_000 } })
    const run = await runWorkflow(client, {
      name: "fail-fast",
      failurePolicy: "fail-fast",
      steps: [
        { id: "a", agentId: "worker", description: "a" },
        { id: "slow", agentId: "worker", description: "slow" },
        { id: "after-a", agentId: "worker", description: "after a", dependsOn: ["a"] },
        { id: "after-slow", agentId: "worker", description: "after slow", dependsOn: ["slow"] }
      ]
    })
    expect(run.task.status).toBe("failed")
    expect(run.result.steps.a?.status).toBe("failed")
    expect(run.result.steps.slow?.status).toBe("cancelled")
    expect(run.result.steps["after-a"]).toEqual({ status: "skipped", reason: "dependency 'a' failed" })
    expect(run.result.steps["after-slow"]?.status).toBe("skipped")
    const slowTask = run.result.steps.slow?.taskId ?? ""
    await until(async () => (await client.get(slowTask)).status === "cancelled")
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect([...starts].sort()).toEqual(["a", "slow"])
    expect(ends).not.toContain("slow")
  })

  it("retries a step within its maxAttempts", async () => {
    const { client } = setUp(["worker"], { flaky: { failAttempts: 1 } })
    const run = await runWorkflow(client, {
      name: "retry",
      steps: [{ id: "flaky", agentId: "worker", description: "flaky", maxAttempts: 2 }]
    })
    expect(run.result.steps.flaky?.status).toBe("completed")
    expect((await client.get(run.result.steps.flaky?.taskId ?? "")).attempt).toBe(2)
  })

  it("fails a step whose referenced result lacks the referenced path, instead of passing a placeholder", async () => {
    const { client, starts } = setUp(["worker"], { a: { result: () => ({ files: [] }) } })
    const run = await runWorkflow(client, {
      name: "unresolved",
      failurePolicy: "continue",
      steps: [
        { id: "a", agentId: "worker", description: "a" },
        { id: "b", agentId: "worker", description: "b", dependsOn: ["a"], input: { $step: "a", path: "files.0" } }
      ]
    })
    expect(run.result.steps.b?.status).toBe("failed")
    expect(run.result.steps.b?.error?.code).toBe("INPUT_UNRESOLVED")
    expect(run.result.steps.b?.error?.message).toContain("nothing at 'files.0'")
    expect(starts).toEqual(["a"])
  })

  it("cancelling the workflow cancels its running steps and starts no new one", async () => {
    const { client, starts, ends } = setUp(["worker"], { b: { delayMs: 10_000 }, side: { delayMs: 10_000 } })
    const task = await client.submitWorkflow({
      name: "to cancel",
      steps: [
        { id: "a", agentId: "worker", description: "a" },
        { id: "b", agentId: "worker", description: "b", dependsOn: ["a"] },
        { id: "c", agentId: "worker", description: "c", dependsOn: ["b"] },
        { id: "side", agentId: "worker", description: "side" }
      ]
    })
    await until(() => starts.includes("b") && starts.includes("side"))
    const running = await childrenOf(client, task.id)
    await client.cancel(task.id, "changed my mind")
    const run = await awaitWorkflow(client, task.id)
    expect(run.task.status).toBe("cancelled")
    await until(async () =>
      (await childrenOf(client, task.id)).every((child: TaskRecord) =>
        ["completed", "cancelled"].includes(child.status)
      )
    )
    const children = await childrenOf(client, task.id)
    expect(children.find((child) => child.metadata[stepMetadataKey] === "b")?.status).toBe("cancelled")
    expect(children.find((child) => child.metadata[stepMetadataKey] === "side")?.status).toBe("cancelled")
    expect(running.length).toBe(children.length)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(starts).not.toContain("c")
    expect(ends).not.toContain("b")
    expect(run.result.status).toBe("cancelled")
    expect(run.result.steps.a?.status).toBe("completed")
    expect(run.result.steps.b?.status).toBe("cancelled")
    expect(run.result.steps.c?.status).toBe("skipped")
  })
})
