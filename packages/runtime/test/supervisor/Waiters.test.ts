import type { TaskRecord } from "@coderclaw/protocol"
import { statusOf } from "@coderclaw/task-machine"
import { Deferred, Effect, Fiber, FiberMap } from "effect"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { principals } from "../../src/supervisor/principals.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { childrenReady, makeWaiters } from "../../src/supervisor/Waiters.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

const ended = { status: "completed" } as TaskRecord
const running = { status: "running" } as TaskRecord

/** Waiters whose commands really move tasks; agent restarts are recorded. */
const waitersOf = (state: SupervisorState) => {
  const commands = makeApplyCommand(state, () => Effect.void)
  const recording = recordingLifecycle({ apply: commands.apply, applyAll: commands.applyAll })
  return { waiters: makeWaiters(state, makeTaskRegistry(state), recording.lifecycle), commands, ...recording }
}

const runningTask = (state: SupervisorState, commands: ReturnType<typeof makeApplyCommand>) =>
  Effect.tap(createdTask(state), (task) =>
    commands.applyAll(task, [{ type: "plan" }, { type: "start" }], principals.scheduler)
  )

describe("Waiters", () => {
  it("children are ready when all (or any, as asked) have ended, or when there are none", () => {
    expect(childrenReady([], "all")).toBe(true)
    expect(childrenReady([ended, running], "all")).toBe(false)
    expect(childrenReady([ended, running], "any")).toBe(true)
    expect(childrenReady([ended, ended], "all")).toBe(true)
  })

  it("parks an agent on its question and resumes it with the answer", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { waiters, commands } = waitersOf(state)
        const task = yield* runningTask(state, commands)
        const asking = yield* Effect.forkChild(waiters.askInput(task, "Which branch?", undefined))
        yield* Effect.yieldNow
        expect(statusOf(task.actor.getSnapshot())).toBe("waiting")
        expect(task.waiter?.kind).toBe("input")
        yield* waiters.resume(task, { type: "provide_input", input: "main" }, "local:alice", (waiter) =>
          waiters.answered(task, waiter, "main")
        )
        expect(yield* Fiber.join(asking)).toBe("main")
        expect(task.waiter).toBeUndefined()
        expect(statusOf(task.actor.getSnapshot())).toBe("running")
      })
    ))

  it("re-runs the agent of a task with no parked fiber, handing it the answer", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { waiters, commands, calls } = waitersOf(state)
        const task = yield* runningTask(state, commands)
        yield* commands.apply(task, { type: "request_input", prompt: "?" }, principals.scheduler)
        yield* waiters.resume(task, { type: "provide_input", input: 42 }, "local:alice", (waiter) =>
          waiters.answered(task, waiter, 42)
        )
        expect(calls.filter((call) => call.name === "startAgent")).toHaveLength(1)
        // The re-run agent's question returns the answer at once.
        expect(yield* waiters.askInput(task, "?", undefined)).toBe(42)
        expect(task.pendingAnswer).toBeUndefined()
      })
    ))

  it("resumes a parent once its children ended, and not before", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { waiters, commands } = waitersOf(state)
        const parent = yield* runningTask(state, commands)
        const child = yield* runningTask(state, commands)
        const waiting = yield* Effect.forkChild(waiters.awaitChildren(parent, [child.id], "all"))
        yield* Effect.yieldNow
        expect(statusOf(parent.actor.getSnapshot())).toBe("waiting")
        yield* waiters.settleParentIfReady(parent.id)
        expect(statusOf(parent.actor.getSnapshot())).toBe("waiting")
        yield* commands.apply(child, { type: "complete", result: "done" }, principals.scheduler)
        yield* waiters.settleParentIfReady(parent.id)
        const records = yield* Fiber.join(waiting)
        expect(records.map((record) => record.status)).toEqual(["completed"])
        expect(statusOf(parent.actor.getSnapshot())).toBe("running")
      })
    ))

  it("a denied approval stops the parked agent; an approved one lets it go on", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { waiters, commands } = waitersOf(state)
        const task = yield* runningTask(state, commands)
        const approving = yield* Effect.forkChild(waiters.awaitApproval(task, "shell.run", "ls", undefined))
        yield* Effect.yieldNow
        expect(task.waiter?.kind).toBe("approval")
        yield* waiters.resume(task, { type: "approve" }, "local:bob", (waiter) => waiters.decided(task, waiter, true))
        yield* Fiber.join(approving)
        const denied = yield* Deferred.make<void>()
        const task2 = yield* runningTask(state, commands)
        // Parked as a task's agent fiber is: in the runtime's fiber map, under the task's id.
        yield* FiberMap.run(
          state.fibers,
          task2.id,
          waiters
            .awaitApproval(task2, "shell.run", "rm", undefined)
            .pipe(Effect.onInterrupt(() => Deferred.succeed(denied, undefined)))
        )
        yield* Effect.yieldNow
        yield* waiters.resume(task2, { type: "deny", reason: "no" }, "local:bob", (waiter) =>
          waiters.decided(task2, waiter, false)
        )
        expect(statusOf(task2.actor.getSnapshot())).toBe("failed")
        expect(task2.waiter).toBeUndefined()
        yield* Deferred.await(denied)
      })
    ))
})
