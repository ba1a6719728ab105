import { Unavailable } from "@coderclaw/protocol"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { makeDeadlines } from "../../src/supervisor/Deadlines.js"
import { principals } from "../../src/supervisor/principals.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { causedByOf, createdTask, recordingLifecycle, withState } from "./support.js"

describe("Deadlines (virtual time)", () => {
  it("fails a task when its deadline passes, not a moment before", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { lifecycle, calls } = recordingLifecycle()
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), lifecycle)
        const task = yield* createdTask(state)
        yield* deadlines.armTask(task, 5_000)
        yield* TestClock.adjust("4999 millis")
        expect(calls.filter((call) => call.name === "apply")).toEqual([])
        yield* TestClock.adjust("1 millis")
        yield* Effect.yieldNow
        const [failed] = calls.filter((call) => call.name === "apply")
        expect(failed?.args[1]).toEqual({
          type: "fail",
          error: { code: "TIMEOUT", message: "the task did not finish before its deadline" }
        })
        expect(failed && causedByOf(failed)).toBe(principals.deadline)
      })
    ))

  it("fails a wait that lasts longer than its waiting timeout, with its own message", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { lifecycle, calls } = recordingLifecycle()
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), lifecycle)
        const task = yield* createdTask(state)
        yield* deadlines.armWaiting(task, 2_000)
        yield* TestClock.adjust("2 seconds")
        yield* Effect.yieldNow
        expect(calls.find((call) => call.name === "apply")?.args[1]).toMatchObject({
          type: "fail",
          error: { message: "the task waited longer than its waiting timeout" }
        })
      })
    ))

  it("does nothing once disarmed", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { lifecycle, calls } = recordingLifecycle()
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), lifecycle)
        const task = yield* createdTask(state)
        yield* deadlines.armTask(task, 1_000)
        yield* deadlines.armWaiting(task, 1_000)
        yield* deadlines.disarmWaiting(task.id)
        yield* deadlines.disarmAll(task.id)
        yield* TestClock.adjust("1 hour")
        yield* Effect.yieldNow
        expect(calls).toEqual([])
      })
    ))

  it("a deadline already past fires at once; a task that ended meanwhile is left alone", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { lifecycle, calls } = recordingLifecycle()
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), lifecycle)
        const task = yield* createdTask(state)
        yield* TestClock.adjust("10 seconds")
        yield* deadlines.armTask(task, 1_000)
        yield* Effect.yieldNow
        yield* Effect.yieldNow
        expect(calls.map((call) => call.name)).toEqual(["apply"])
        // Gone from memory and not in the journal as live: nothing to fail.
        yield* deadlines.failTask("0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never, { code: "TIMEOUT", message: "x" })
        expect(calls).toHaveLength(1)
      })
    ))

  it("evicts the task when the journal refuses the failure for good", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { lifecycle, calls } = recordingLifecycle({
          apply: () => Effect.fail(new Unavailable({ reason: "disk gone" }))
        })
        const deadlines = makeDeadlines(state, makeTaskRegistry(state), lifecycle)
        const task = yield* createdTask(state)
        yield* deadlines.failTask(task.id, { code: "TIMEOUT", message: "x" })
        expect(calls.map((call) => call.name)).toEqual(["apply", "evict"])
      })
    ))
})
