import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { Effect, Stream } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defineAgent } from "../src/index.js"
import { alice, bob, type Harness, startRuntime } from "./support/harness.js"

let harness: Harness | undefined
afterEach(async () => {
  await harness?.dispose()
  harness = undefined
})

const chatty = defineAgent({
  id: "chatty",
  name: "chatty",
  run: (input, ctx) =>
    Effect.gen(function* () {
      for (let i = 1; i <= Number(input); i++) yield* ctx.log("info", `line ${i}`)
      return "done"
    })
})

const seqsOf = (events: ReadonlyArray<TaskEventEnvelope>) => events.map((e) => e.seq)

describe("event streams", () => {
  it("a subscriber whose buffer overflows catches up from the journal and loses nothing", async () => {
    harness = startRuntime({ agents: [chatty], subscriberBuffer: 4 })
    const h = harness
    // created, planning, running, 300 log lines, completed: 304 events.
    const task = await h.submit({ agentId: "chatty", description: "300 lines", input: 300 })
    const slow = h.call((runtime) =>
      Stream.runCollect(runtime.subscribe(alice, task.id).pipe(Stream.tap(() => Effect.sleep(1))))
    )
    const fast = h.events(task.id)
    const [slowEvents, fastEvents] = await Promise.all([slow, fast])
    const expected = Array.from({ length: 304 }, (_, i) => i + 1)
    expect(seqsOf(fastEvents)).toEqual(expected)
    expect(seqsOf(slowEvents)).toEqual(expected)
  })

  it("subscribeAll after a position replays then streams every visible event once, in journal order", async () => {
    harness = startRuntime({ agents: [chatty], subscriberBuffer: 8 })
    const h = harness
    const before = await h.submit({ agentId: "chatty", description: "before", input: 3 })
    await h.settled(before.id)
    const hidden = await h.submit({ agentId: "chatty", description: "bob's", input: 3 }, bob)
    const collected = h.call((runtime) =>
      Stream.runCollect(
        runtime.subscribeAll(alice, {}, 0).pipe(
          Stream.tap(() => Effect.sleep(0)),
          Stream.takeUntil(
            (e) => e.event.type === "status_changed" && e.event.to === "completed" && e.taskId === last.id
          )
        )
      )
    )
    const last = await h.submit({ agentId: "chatty", description: "after", input: 50 })
    const events = await collected
    const positions = events.map((e) => e.position)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(new Set(positions).size).toBe(positions.length)
    expect(events.some((e) => e.taskId === hidden.id)).toBe(false)
    expect(seqsOf(events.filter((e) => e.taskId === before.id))).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(seqsOf(events.filter((e) => e.taskId === last.id))).toEqual(Array.from({ length: 54 }, (_, i) => i + 1))
  })

  it("ends a finished task's stream at once, and replays only what follows afterSeq", async () => {
    harness = startRuntime({ agents: [chatty] })
    const task = await harness.submit({ agentId: "chatty", description: "two", input: 2 })
    await harness.settled(task.id)
    expect(seqsOf(await harness.events(task.id, 4))).toEqual([5, 6])
    expect(await harness.events(task.id, 6)).toEqual([])
  })
})
