import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defineAgent } from "../src/index.js"
import { type Harness, startRuntime } from "./support/harness.js"

let harness: Harness | undefined
afterEach(async () => {
  await harness?.dispose()
  harness = undefined
})

// Slow enough that the parent is already waiting for its children when they end.
const double = defineAgent({
  id: "double",
  name: "double",
  run: (input) => Effect.sleep(20).pipe(Effect.as(Number(input) * 2))
})
const parent = defineAgent({
  id: "parent",
  name: "parent",
  run: (_input, ctx) =>
    Effect.gen(function* () {
      yield* ctx.spawn({ agentId: "double", description: "one", input: 1 })
      yield* ctx.spawn({ agentId: "double", description: "two", input: 2 })
      const children = yield* ctx.awaitChildren()
      return children.map((child) => child.result ?? null)
    })
})

describe("child tasks", () => {
  it("journals a child's creation and its parent's child_spawned in one append, and resumes the parent", async () => {
    harness = startRuntime({ agents: [parent, double] })
    const task = await harness.submit({ agentId: "parent", description: "spawns two" })
    const done = await harness.settled(task.id)
    expect(done.result).toEqual([2, 4])
    const events = await harness.events(task.id)
    const spawned = events.flatMap((e) => (e.event.type === "child_spawned" ? [e] : []))
    expect(spawned).toHaveLength(2)
    for (const entry of spawned) {
      if (entry.event.type !== "child_spawned") continue
      const childEvents = await harness.events(entry.event.childId)
      const created = childEvents[0]
      expect(created?.event).toMatchObject({ type: "created", parentId: task.id, rootId: task.id })
      // Same atomic append: the child's `created` sits right before the parent's `child_spawned`.
      expect(created?.position).toBe(entry.position - 1)
    }
    const statuses = events.flatMap((e) => (e.event.type === "status_changed" ? [`${e.event.from}→${e.event.to}`] : []))
    expect(statuses).toEqual([
      "pending→planning",
      "planning→running",
      "running→waiting",
      "waiting→running",
      "running→completed"
    ])
  })
})
