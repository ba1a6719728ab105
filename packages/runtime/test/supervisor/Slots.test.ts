import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { defineAgent } from "../../src/index.js"
import type { LiveTask } from "../../src/supervisor/LiveTask.js"
import { makeSlots } from "../../src/supervisor/Slots.js"
import { createdTask, echo, withState } from "./support.js"

const limited = defineAgent({ id: "limited", name: "Limited", maxConcurrent: 1, run: (input) => Effect.succeed(input) })

describe("Slots", () => {
  it("takes and releases a task's slot once, however often asked", () =>
    withState((state) =>
      Effect.gen(function* () {
        const slots = makeSlots(state, () => Effect.void)
        const task = yield* createdTask(state)
        slots.take(task)
        slots.take(task)
        expect([slots.inUse(), slots.heldBy("echo"), task.holdsSlot]).toEqual([1, 1, true])
        slots.release(task)
        slots.release(task)
        expect([slots.inUse(), slots.heldBy("echo"), task.holdsSlot]).toEqual([0, 0, false])
      })
    ))

  it("drain dispatches queued tasks up to maxConcurrentTasks, in queue order", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const dispatched: Array<LiveTask> = []
          const slots = makeSlots(state, (task) => Effect.sync(() => dispatched.push(task)))
          const tasks = [yield* createdTask(state), yield* createdTask(state), yield* createdTask(state)]
          for (const task of tasks) state.queue.push(task.id, "echo", 0)
          yield* slots.drain
          yield* Effect.yieldNow
          expect(dispatched.map((task) => task.id)).toEqual([tasks[0]?.id, tasks[1]?.id])
          expect(state.queue.size).toBe(1)
          expect(slots.inUse()).toBe(2)
        }),
      { maxConcurrentTasks: 2 }
    ))

  it("keeps an agent within its own maxConcurrent, letting other agents' tasks pass", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const dispatched: Array<string> = []
          const slots = makeSlots(state, (task) => Effect.sync(() => dispatched.push(task.id)))
          const first = yield* createdTask(state)
          const second = yield* createdTask(state)
          const other = yield* createdTask(state)
          // The first two run on the limited agent (tasks carry their agent), the third on echo.
          Object.assign(first, { agent: limited })
          Object.assign(second, { agent: limited })
          state.queue.push(first.id, "limited", 2)
          state.queue.push(second.id, "limited", 1)
          state.queue.push(other.id, "echo", 0)
          yield* slots.drain
          yield* Effect.yieldNow
          expect(dispatched).toEqual([first.id, other.id])
          expect(slots.agentMayRun("limited")).toBe(false)
          slots.release(first)
          expect(slots.agentMayRun("limited")).toBe(true)
        }),
      { agents: [echo, limited] }
    ))

  it("dispatches nothing once the runtime stops accepting", () =>
    withState((state) =>
      Effect.gen(function* () {
        const dispatched: Array<string> = []
        const slots = makeSlots(state, (task) => Effect.sync(() => dispatched.push(task.id)))
        const task = yield* createdTask(state)
        state.queue.push(task.id, "echo", 0)
        state.accepting = false
        yield* slots.drain
        expect(dispatched).toEqual([])
        expect(state.queue.size).toBe(1)
      })
    ))
})
