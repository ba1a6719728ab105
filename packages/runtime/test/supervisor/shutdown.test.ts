import { Deferred, Effect, Fiber, FiberMap } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { principals } from "../../src/supervisor/principals.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeShutdown } from "../../src/supervisor/shutdown.js"
import { createdTask, withState } from "./support.js"

/** A running task whose agent fiber never ends by itself; `interrupted` resolves when it is stopped. */
const runningTask = (state: SupervisorState) =>
  Effect.gen(function* () {
    const commands = makeApplyCommand(state, () => Effect.void)
    const task = yield* createdTask(state)
    yield* commands.applyAll(task, [{ type: "plan" }, { type: "start" }], principals.scheduler)
    const interrupted = yield* Deferred.make<void>()
    yield* FiberMap.run(
      state.fibers,
      task.id,
      Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))
    )
    return { task, commands, interrupted }
  })

describe("shutdown (virtual time)", () => {
  it("stops accepting at once, lets a running attempt go on for the grace period, then interrupts it", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { interrupted } = yield* runningTask(state)
        const shutdown = makeShutdown(state)
        const done = yield* Effect.forkChild(shutdown(5_000))
        yield* Effect.yieldNow
        expect(state.accepting).toBe(false)
        yield* TestClock.adjust("4990 millis")
        expect(yield* Deferred.isDone(interrupted)).toBe(false)
        expect(state.closed).toBe(false)
        yield* TestClock.adjust("10 millis")
        yield* Fiber.join(done)
        expect(yield* Deferred.isDone(interrupted)).toBe(true)
        expect(state.closed).toBe(true)
        expect(state.tasks.size).toBe(0)
      })
    ))

  it("ends as soon as no task is running any more, well before the grace period", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { task, commands } = yield* runningTask(state)
        const shutdown = makeShutdown(state)
        const done = yield* Effect.forkChild(shutdown(60_000))
        yield* TestClock.adjust("1 second")
        yield* commands.apply(task, { type: "complete", result: null }, principals.scheduler)
        yield* TestClock.adjust("10 millis")
        yield* Fiber.join(done)
        expect(state.closed).toBe(true)
      })
    ))

  it("runs once: a second call waits for the first", () =>
    withState((state) =>
      Effect.gen(function* () {
        yield* runningTask(state)
        const shutdown = makeShutdown(state)
        const first = yield* Effect.forkChild(shutdown(1_000))
        const second = yield* Effect.forkChild(shutdown(0))
        yield* Effect.yieldNow
        // The second asked for no grace, but the first one's grace is what counts.
        expect(state.closed).toBe(false)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(second)
        yield* Fiber.join(first)
        expect(state.closed).toBe(true)
      })
    ))
})
