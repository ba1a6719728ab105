import { Deferred, Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defineAgent } from "../src/index.js"
import { alice, type Harness, startRuntime, until } from "./support/harness.js"

let harness: Harness | undefined
afterEach(async () => {
  await harness?.dispose()
  harness = undefined
})

/** An agent that records when it starts and waits until released. */
const gated = (id: string, maxConcurrent?: number) => {
  const started: Array<string> = []
  let release: Deferred.Deferred<void> = Deferred.makeUnsafe()
  let running = 0
  let peak = 0
  const agent = defineAgent({
    id,
    name: id,
    ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
    run: (input) =>
      Effect.gen(function* () {
        started.push(String(input))
        running++
        peak = Math.max(peak, running)
        yield* Deferred.await(release)
        running--
        return input
      })
  })
  return {
    agent,
    started,
    peak: () => peak,
    open: () => Effect.runSync(Deferred.succeed(release, undefined)),
    reset: () => {
      release = Deferred.makeUnsafe()
    }
  }
}

describe("scheduler", () => {
  it("never runs more than maxConcurrentTasks at once and queues the rest in FIFO order", async () => {
    const work = gated("work")
    harness = startRuntime({ agents: [work.agent], maxConcurrentTasks: 2 })
    const h = harness
    const ids = []
    for (let i = 0; i < 6; i++) ids.push((await h.submit({ agentId: "work", description: `t${i}`, input: `t${i}` })).id)
    await until(() => work.started.length === 2)
    const status = await h.call((runtime) => runtime.status(alice))
    expect(status.queueDepth).toBe(4)
    expect(status.tasks.running).toBe(2)
    work.open()
    for (const id of ids) await h.settled(id)
    expect(work.started).toEqual(["t0", "t1", "t2", "t3", "t4", "t5"])
    expect(work.peak()).toBe(2)
  })

  it("runs higher priority first, FIFO within a priority", async () => {
    const blocker = gated("blocker")
    const order: Array<string> = []
    const record = defineAgent({
      id: "record",
      name: "record",
      run: (input) => Effect.sync(() => order.push(String(input))).pipe(Effect.as(null))
    })
    harness = startRuntime({ agents: [blocker.agent, record], maxConcurrentTasks: 1 })
    const h = harness
    const block = await h.submit({ agentId: "blocker", description: "hold the slot", input: "x" })
    await until(() => blocker.started.length === 1)
    const submitted = []
    for (const [name, priority] of [
      ["low-1", -5],
      ["normal-1", 0],
      ["high-1", 10],
      ["normal-2", 0],
      ["high-2", 10]
    ] as const) {
      submitted.push((await h.submit({ agentId: "record", description: name, input: name, priority })).id)
    }
    blocker.open()
    await h.settled(block.id)
    for (const id of submitted) await h.settled(id)
    expect(order).toEqual(["high-1", "high-2", "normal-1", "normal-2", "low-1"])
  })

  it("respects a per-agent limit while other agents use the free slots", async () => {
    const limited = gated("limited", 1)
    const free = gated("free")
    harness = startRuntime({ agents: [limited.agent, free.agent], maxConcurrentTasks: 4 })
    const h = harness
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await h.submit({ agentId: "limited", description: "l", input: `l${i}` })).id)
    for (let i = 0; i < 2; i++) ids.push((await h.submit({ agentId: "free", description: "f", input: `f${i}` })).id)
    await until(() => limited.started.length === 1 && free.started.length === 2)
    expect(limited.started).toEqual(["l0"])
    limited.open()
    free.open()
    for (const id of ids) await h.settled(id)
    expect(limited.peak()).toBe(1)
    expect(limited.started).toEqual(["l0", "l1", "l2"])
  })

  it("refuses submits beyond maxQueued with a typed Overloaded error, and accepts again once drained", async () => {
    const work = gated("work")
    harness = startRuntime({ agents: [work.agent], maxConcurrentTasks: 1, maxQueued: 2 })
    const h = harness
    const ids = []
    for (let i = 0; i < 3; i++) ids.push((await h.submit({ agentId: "work", description: "t", input: i })).id)
    await until(() => work.started.length === 1)
    const refused = await h.submit({ agentId: "work", description: "one too many" }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ _tag: "Overloaded", queued: 2, limit: 2 })
    work.open()
    for (const id of ids) await h.settled(id)
    const accepted = await h.submit({ agentId: "work", description: "room again", input: "late" })
    expect((await h.settled(accepted.id)).status).toBe("completed")
  })
})
