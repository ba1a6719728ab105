import { statusOf } from "@coderclaw/task-machine"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import type { AgentContext } from "../../src/agent/AgentContext.js"
import { AgentFailure, defineAgent } from "../../src/index.js"
import { makeAgentRunner } from "../../src/supervisor/AgentRunner.js"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

const attemptsSeen: Array<number> = []
const flaky = defineAgent({
  id: "echo",
  name: "Flaky",
  run: (input, context) =>
    Effect.suspend(() => {
      attemptsSeen.push(context.attempt)
      return context.attempt < 3
        ? Effect.fail(new AgentFailure({ code: "FLAKY", message: `attempt ${context.attempt}` }))
        : Effect.succeed(input)
    })
})

/** A runner whose commands really move the task (reactions left out), and whose agents see their attempt. */
const runnerOf = (state: SupervisorState) => {
  const commands = makeApplyCommand(state, () => Effect.void)
  const { lifecycle, calls } = recordingLifecycle({ apply: commands.apply, applyAll: commands.applyAll })
  const context = (_task: unknown, attempt: number) => ({ attempt }) as AgentContext
  return { runner: makeAgentRunner(state, context, lifecycle), calls }
}

const eventsOf = (state: SupervisorState, taskId: string) =>
  Effect.map(state.journal.readTask(taskId as never, 0), (history) =>
    history.map((envelope) =>
      envelope.event.type === "attempt_failed" ? `attempt_failed(${envelope.event.retryInMs})` : envelope.event.type
    )
  )

describe("AgentRunner (virtual time)", () => {
  it("plans, starts, and retries a failing agent after the policy's back-off until it completes", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          attemptsSeen.length = 0
          const { runner } = runnerOf(state)
          const task = yield* createdTask(state)
          yield* runner.dispatch(task)
          yield* Effect.yieldNow
          expect(attemptsSeen).toEqual([1])
          expect(statusOf(task.actor.getSnapshot())).toBe("running")
          // The back-off after attempt 1 is 1 s: not a moment less.
          yield* TestClock.adjust("999 millis")
          expect(attemptsSeen).toEqual([1])
          yield* TestClock.adjust("1 millis")
          expect(attemptsSeen).toEqual([1, 2])
          // After attempt 2, twice as long.
          yield* TestClock.adjust("1999 millis")
          expect(attemptsSeen).toEqual([1, 2])
          yield* TestClock.adjust("1 millis")
          expect(attemptsSeen).toEqual([1, 2, 3])
          expect(statusOf(task.actor.getSnapshot())).toBe("completed")
          expect(yield* eventsOf(state, task.id)).toEqual([
            "created",
            "status_changed",
            "status_changed",
            "attempt_failed(1000)",
            "attempt_failed(2000)",
            "status_changed"
          ])
        }),
      { agents: [flaky], retry: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000 } }
    ))

  it("fails the task when its attempts run out", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          attemptsSeen.length = 0
          const { runner } = runnerOf(state)
          const task = yield* createdTask(state, { maxAttempts: 2 })
          yield* runner.dispatch(task)
          yield* TestClock.adjust("1 second")
          expect(attemptsSeen).toEqual([1, 2])
          expect(statusOf(task.actor.getSnapshot())).toBe("failed")
          expect(task.actor.getSnapshot().context.error).toEqual({ code: "FLAKY", message: "attempt 2" })
        }),
      { agents: [flaky], retry: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000 } }
    ))

  it("a recovered task waits out the rest of its back-off, then records its interrupted attempt first", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          attemptsSeen.length = 0
          const { runner, calls } = runnerOf(state)
          const other = yield* createdTask(state, { maxAttempts: 5 })
          other.retryAt = 7_000
          other.interrupted = true
          yield* runner.dispatch(other)
          yield* Effect.yieldNow
          yield* TestClock.adjust("6999 millis")
          expect(attemptsSeen).toEqual([])
          yield* TestClock.adjust("1 millis")
          // The interrupted attempt is journalled as the re-run starts, caused by recovery.
          const interrupted = calls.find(
            (call) => call.name === "apply" && (call.args[1] as { type: string }).type === "attempt_failed"
          )
          expect(interrupted?.args[2]).toBe("system:recovery")
          expect(other.interrupted).toBe(false)
          // Attempt 1 is used up by the interruption: the re-run is attempt 2.
          expect(attemptsSeen).toEqual([2])
        }),
      { agents: [flaky], retry: { initialDelayMs: 1_000, factor: 2, maxDelayMs: 60_000 } }
    ))
})
