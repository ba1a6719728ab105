import { statusOf } from "@coderclaw/task-machine"
import { Effect, FiberMap } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { makeDeadlines } from "../../src/supervisor/Deadlines.js"
import { principals } from "../../src/supervisor/principals.js"
import { makeRecover } from "../../src/supervisor/recover.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

/** Journals tasks as a stopped runtime left them, then forgets them, as a new process would start. */
const leftBehind = (state: SupervisorState) =>
  Effect.gen(function* () {
    const commands = makeApplyCommand(state, () => Effect.void)
    const pending = yield* createdTask(state)
    const running = yield* createdTask(state)
    yield* commands.applyAll(running, [{ type: "plan" }, { type: "start" }], principals.scheduler)
    const lastAttempt = yield* createdTask(state, { maxAttempts: 1 })
    yield* commands.applyAll(lastAttempt, [{ type: "plan" }, { type: "start" }], principals.scheduler)
    const backingOff = yield* createdTask(state)
    yield* commands.applyAll(backingOff, [{ type: "plan" }, { type: "start" }], principals.scheduler)
    yield* commands.apply(
      backingOff,
      { type: "attempt_failed", error: { code: "E", message: "e" }, retryInMs: 5_000 },
      principals.scheduler
    )
    for (const task of [pending, running, lastAttempt, backingOff]) task.actor.stop()
    state.tasks.clear()
    return { pending, running, lastAttempt, backingOff, commands }
  })

describe("recover", () => {
  it("queues pending tasks again, re-runs interrupted ones, and fails those whose last attempt was cut short", () =>
    withState((state) =>
      Effect.gen(function* () {
        const left = yield* leftBehind(state)
        yield* TestClock.adjust("1 second")
        const { lifecycle, calls } = recordingLifecycle({ apply: left.commands.apply })
        const registry = makeTaskRegistry(state)
        yield* makeRecover(state, registry, makeDeadlines(state, registry, lifecycle), lifecycle)
        const queued: Array<string> = []
        for (let id = state.queue.take(() => true); id !== undefined; id = state.queue.take(() => true)) queued.push(id)
        // Re-runs first (their priority is raised), then the pending task.
        expect(queued).toEqual([left.running.id, left.backingOff.id, left.pending.id])
        expect(state.tasks.get(left.running.id)?.interrupted).toBe(true)
        // The back-off had 4 s to go at the restart: that attempt had not started, nothing was interrupted.
        expect(state.tasks.get(left.backingOff.id)).toMatchObject({ interrupted: false, retryAt: 5_000 })
        const failed = calls.find((call) => call.name === "apply")
        expect(failed?.args[1]).toMatchObject({ type: "fail", error: { code: "INTERRUPTED" } })
        expect(failed?.args[2]).toBe(principals.recovery)
        expect(calls.at(-1)?.name).toBe("drain")
        const last = state.tasks.get(left.lastAttempt.id)
        expect(last === undefined || statusOf(last.actor.getSnapshot()) === "failed").toBe(true)
      })
    ))

  it("re-arms a recovered task's deadline, which then fails it on time", () =>
    withState((state) =>
      Effect.gen(function* () {
        const task = yield* createdTask(state, { deadline: 3_000 })
        task.actor.stop()
        state.tasks.clear()
        const { lifecycle, commandsApplied } = recordingLifecycle()
        const registry = makeTaskRegistry(state)
        yield* makeRecover(state, registry, makeDeadlines(state, registry, lifecycle), lifecycle)
        expect(yield* FiberMap.has(state.timers, `${task.id}:deadline`)).toBe(true)
        yield* TestClock.adjust("2999 millis")
        expect(commandsApplied()).toEqual([])
        yield* TestClock.adjust("1 millis")
        yield* Effect.yieldNow
        expect(commandsApplied()).toEqual(["fail"])
      })
    ))
})
