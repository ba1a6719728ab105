import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import { isRuntimeError, type Principal, type TaskEventEnvelope } from "@coderclaw/protocol"
import { defineAsyncAgent } from "@coderclaw/runtime"
import { conformanceAgents, conformanceSkills } from "@coderclaw/transport-conformance"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  CoderClawRuntime,
  createLocalRuntime,
  type LocalRuntime,
  LocalTransportAdapter,
  localPrincipal
} from "../src/index.js"

/** The abort signals of the `watched` agent's runs: closing the runtime must abort them. */
const watchedSignals: Array<AbortSignal> = []
const watched = defineAsyncAgent({
  id: "watched",
  name: "Watched",
  run: async (_input, ctx) => {
    watchedSignals.push(ctx.signal)
    await sleep(600_000, undefined, { signal: ctx.signal })
    return "never"
  }
})

const options = { agents: [...conformanceAgents, watched], skills: conformanceSkills, shutdownGraceMs: 20 }
const carol: Principal = { id: "local:carol", provider: "local", sessionId: "carol", roles: [], trust: "trusted" }

let directory = ""
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "coderclaw-compat-"))
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

const toClose: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const closable of toClose.splice(0).reverse()) await closable.close()
})

/** A facade on a runtime the adapter starts itself, closed after the test. */
const startFacade = () => {
  const runtime = new CoderClawRuntime(new LocalTransportAdapter(options))
  toClose.push(runtime)
  return runtime
}

const collect = async (stream: AsyncIterable<TaskEventEnvelope>) => {
  const events: Array<TaskEventEnvelope> = []
  for await (const envelope of stream) events.push(envelope)
  return events
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

describe("LocalTransportAdapter", () => {
  it("started from runtime options, acts as the local principal and stops its runtime and its work on close", async () => {
    const adapter = new LocalTransportAdapter(options)
    expect(adapter.principal).toEqual(localPrincipal)
    expect(adapter.modes).toEqual(["local-only"])
    const task = await adapter.client.submit({ agentId: "watched", description: "interrupted" })
    expect(task).toMatchObject({ owner: localPrincipal.id, sessionId: localPrincipal.sessionId })
    for await (const envelope of adapter.client.subscribe(task.id)) {
      if (envelope.event.type === "status_changed" && envelope.event.to === "running") break
    }
    while (watchedSignals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(watchedSignals[0]?.aborted).toBe(false)
    await adapter.close()
    // Closing stopped the work itself: the running agent's signal was aborted before close resolved.
    expect(watchedSignals[0]?.aborted).toBe(true)
    // The runtime itself is gone: a brand-new client of it is refused too.
    await expect(adapter.runtime.client(localPrincipal).get(task.id)).rejects.toBeDefined()
  })

  it("wrapping a running LocalRuntime, acts as the given principal and leaves the runtime running on close", async () => {
    const shared: LocalRuntime = createLocalRuntime(options)
    toClose.push(shared)
    const adapter = new LocalTransportAdapter(shared, { principal: carol })
    expect(adapter.runtime).toBe(shared)
    const task = await new CoderClawRuntime(adapter).submitTask({ agentId: "echo", description: "carol's" })
    expect(task.owner).toBe(carol.id)
    await adapter.close()
    const stillRunning = shared.client(carol)
    expect((await stillRunning.get(task.id)).id).toBe(task.id)
    const error = await rejection(adapter.client.get(task.id))
    expect(isRuntimeError(error) && error._tag).toBe("Unavailable")
  })
})

describe("CoderClawRuntime", () => {
  it("runs in local-only mode, the default, on a LocalTransportAdapter", () => {
    const adapter = new LocalTransportAdapter(options)
    toClose.push(adapter)
    expect(new CoderClawRuntime(adapter).mode).toBe("local-only")
    expect(new CoderClawRuntime(adapter, "local-only").mode).toBe("local-only")
  })

  it("refuses the other modes on a local adapter, naming what they need", () => {
    const adapter = new LocalTransportAdapter(options)
    toClose.push(adapter)
    expect(() => new CoderClawRuntime(adapter, "remote-enabled")).toThrow(/@coderclaw\/transport-ws/)
    expect(() => new CoderClawRuntime(adapter, "remote-enabled")).toThrow(/serves only "local-only"/)
    expect(() => new CoderClawRuntime(adapter, "distributed-cluster")).toThrow(/cluster of runtime nodes/)
  })

  it("submitTask resolves with the pending record and getTaskState follows it to the end", async () => {
    const runtime = startFacade()
    const task = await runtime.submitTask({ agentId: "echo", description: "echo", input: "hi" })
    expect(task).toMatchObject({ status: "pending", agentId: "echo", input: "hi" })
    await collect(runtime.streamTaskUpdates(task.id))
    expect(await runtime.getTaskState(task.id)).toMatchObject({ status: "completed", result: { echoed: "hi" } })
  })

  it("getTaskState is undefined for an unknown, malformed or invisible task id", async () => {
    const shared = createLocalRuntime(options)
    toClose.push(shared)
    const mine = new CoderClawRuntime(new LocalTransportAdapter(shared))
    const carols = new CoderClawRuntime(new LocalTransportAdapter(shared, { principal: carol }))
    const task = await carols.submitTask({ agentId: "echo", description: "carol's" })
    expect(await mine.getTaskState(task.id)).toBeUndefined()
    expect(await mine.getTaskState("01900000-0000-7000-8000-000000000000")).toBeUndefined()
    expect(await mine.getTaskState("not-a-task-id")).toBeUndefined()
    expect((await carols.getTaskState(task.id))?.id).toBe(task.id)
  })

  it("submitTask rejects an invalid request with InvalidRequest naming the field", async () => {
    const runtime = startFacade()
    const error = await rejection(runtime.submitTask({ agentId: "echo" } as never))
    expect(isRuntimeError(error) && error._tag).toBe("InvalidRequest")
    expect(String((error as Error).message)).toContain("description")
  })

  it("streamTaskUpdates yields the whole history even when reading starts after the task ended", async () => {
    const runtime = startFacade()
    const task = await runtime.submitTask({ agentId: "steps", description: "steps", input: { count: 3, delayMs: 0 } })
    const live = await collect(runtime.streamTaskUpdates(task.id))
    const late = await collect(runtime.streamTaskUpdates(task.id))
    expect(late).toEqual(live)
    expect(late.map((envelope) => envelope.seq)).toEqual(late.map((_, index) => index + 1))
    expect(late.filter((envelope) => envelope.event.type === "progress")).toHaveLength(3)
    expect(late.at(-1)?.event).toMatchObject({ type: "status_changed", to: "completed" })
  })

  it("streamTaskUpdates is an iterator whose return() stops the stream", async () => {
    const runtime = startFacade()
    const task = await runtime.submitTask({ agentId: "block", description: "endless" })
    const updates = runtime.streamTaskUpdates(task.id)
    expect((await updates.next()).value?.event.type).toBe("created")
    expect(await updates.return?.()).toEqual({ done: true, value: undefined })
    expect(await updates.next()).toEqual({ done: true, value: undefined })
  })

  it("cancelTask is true when it cancels a running task, and the task's work stops", async () => {
    const runtime = startFacade()
    const keptPath = join(directory, "kept.txt")
    const runs = watchedSignals.length
    const victim = await runtime.submitTask({ agentId: "watched", description: "x" })
    const kept = await runtime.submitTask({ agentId: "slow-writer", description: "y", input: { path: keptPath } })
    for await (const envelope of runtime.streamTaskUpdates(victim.id)) {
      if (envelope.event.type === "status_changed" && envelope.event.to === "running") break
    }
    while (watchedSignals.length === runs) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(await runtime.cancelTask(victim.id, "changed my mind")).toBe(true)
    expect((await runtime.getTaskState(victim.id))?.status).toBe("cancelled")
    // The victim's work was stopped (its signal aborted); the other task ran to the end.
    expect(watchedSignals[runs]?.aborted).toBe(true)
    await collect(runtime.streamTaskUpdates(kept.id))
    expect(await readFile(keptPath, "utf8")).toBe("written")
  })

  it("cancelTask is false for a task that already ended, and changes nothing", async () => {
    const runtime = startFacade()
    const done = await runtime.submitTask({ agentId: "echo", description: "done" })
    await collect(runtime.streamTaskUpdates(done.id))
    expect(await runtime.cancelTask(done.id)).toBe(false)
    expect((await runtime.getTaskState(done.id))?.status).toBe("completed")

    const blocked = await runtime.submitTask({ agentId: "block", description: "blocked" })
    expect(await runtime.cancelTask(blocked.id)).toBe(true)
    expect(await runtime.cancelTask(blocked.id)).toBe(false)
  })

  it("cancelTask rejects with TaskNotFound for an id no visible task has", async () => {
    const runtime = startFacade()
    const error = await rejection(runtime.cancelTask("01900000-0000-7000-8000-000000000000"))
    expect(isRuntimeError(error) && error._tag).toBe("TaskNotFound")
  })

  it("listAgents, listSkills and getStatus report what the runtime really has", async () => {
    const runtime = startFacade()
    expect(await runtime.listAgents()).toEqual(options.agents.map((agent) => agent.descriptor))
    expect(await runtime.listSkills()).toEqual(conformanceSkills.map((skill) => skill.descriptor))
    const task = await runtime.submitTask({ agentId: "echo", description: "counted" })
    await collect(runtime.streamTaskUpdates(task.id))
    await runtime.submitTask({ agentId: "block", description: "running" })
    const status = await runtime.getStatus()
    expect(status.mode).toBe("local-only")
    expect(status.tasks.completed).toBe(1)
    expect(status.tasks.pending + status.tasks.planning + status.tasks.running).toBe(1)
    expect(status.health.checks).toContainEqual(expect.objectContaining({ name: "journal-writable", state: "ok" }))
  })
})
