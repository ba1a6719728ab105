import { Unavailable } from "@coderclaw/protocol"
import { Effect, FiberMap } from "effect"
import { describe, expect, it } from "vitest"
import { makeDeadlines } from "../../src/supervisor/Deadlines.js"
import { makeReactions } from "../../src/supervisor/Reactions.js"
import { makeSlots } from "../../src/supervisor/Slots.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

const reactionsOf = (state: SupervisorState) => {
  const recording = recordingLifecycle()
  const slots = makeSlots(state, () => Effect.void)
  const deadlines = makeDeadlines(state, makeTaskRegistry(state), recording.lifecycle)
  return { reactions: makeReactions(state, slots, deadlines, recording.lifecycle), slots, ...recording }
}

const names = (calls: ReturnType<typeof recordingLifecycle>["calls"]) => calls.map((call) => call.name)

describe("Reactions", () => {
  it("a waiting task gives back its slot and arms its waiting deadline; resumed, it takes them back", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { reactions, slots } = reactionsOf(state)
        const task = Object.assign(yield* createdTask(state), { waitingTimeoutMs: 1_000 })
        slots.take(task)
        yield* reactions.react(task, "running", "waiting", 0)
        expect(slots.inUse()).toBe(0)
        expect(yield* FiberMap.has(state.timers, `${task.id}:waiting`)).toBe(true)
        yield* reactions.react(task, "waiting", "running", 10)
        expect(slots.inUse()).toBe(1)
        expect(yield* FiberMap.has(state.timers, `${task.id}:waiting`)).toBe(false)
      })
    ))

  it("an ended task leaves memory and the queue; a failed or cancelled one takes its children with it", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { reactions, slots, calls } = reactionsOf(state)
        const done = yield* createdTask(state)
        slots.take(done)
        state.queue.push(done.id, "echo", 0)
        yield* reactions.react(done, "running", "completed", 0)
        expect(state.tasks.has(done.id)).toBe(false)
        expect(state.queue.take(() => true)).toBeUndefined()
        expect(slots.inUse()).toBe(0)
        expect(done.actor.getSnapshot().status).toBe("stopped")
        // A completed task has no children to cancel and no parent to tell.
        expect(names(calls)).toEqual([])
        const cancelled = yield* createdTask(state)
        yield* reactions.react(cancelled, "running", "cancelled", 0)
        expect(calls.find((call) => call.name === "cancelChildren")?.args).toEqual([
          cancelled.id,
          "parent task cancelled"
        ])
      })
    ))

  it("a child's end is told to its parent", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { reactions, calls } = reactionsOf(state)
        const parent = yield* createdTask(state)
        const child = Object.assign(yield* createdTask(state), { parentId: parent.id })
        yield* reactions.react(child, "running", "completed", 0)
        yield* Effect.yieldNow
        expect(calls.find((call) => call.name === "settleParentIfReady")?.args).toEqual([parent.id])
      })
    ))

  it("planning and starting only let the queue move on", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { reactions, calls } = reactionsOf(state)
        const task = yield* createdTask(state)
        yield* reactions.react(task, "pending", "planning", 0)
        yield* reactions.react(task, "planning", "running", 0)
        expect(names(calls)).toEqual([])
        expect(state.tasks.has(task.id)).toBe(true)
      })
    ))

  it("evicts a task the journal refused for good: out of memory, its slot freed, its deadlines dropped", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { reactions, slots } = reactionsOf(state)
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), recordingLifecycle().lifecycle)
        const task = yield* createdTask(state)
        slots.take(task)
        yield* deadlines.armTask(task, 60_000)
        yield* reactions.evict(task, new Unavailable({ reason: "disk gone" }))
        expect(state.tasks.has(task.id)).toBe(false)
        expect(slots.inUse()).toBe(0)
        expect(yield* FiberMap.has(state.timers, `${task.id}:deadline`)).toBe(false)
      })
    ))
})
