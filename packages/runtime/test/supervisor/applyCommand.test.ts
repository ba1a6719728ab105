import type { TaskStatus } from "@coderclaw/protocol"
import { statusOf } from "@coderclaw/task-machine"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { principals } from "../../src/supervisor/principals.js"
import { createdTask, withState } from "./support.js"

const moves = () => {
  const seen: Array<[TaskStatus, TaskStatus]> = []
  const react = (_task: unknown, from: TaskStatus, to: TaskStatus) => Effect.sync(() => void seen.push([from, to]))
  return { seen, react }
}

describe("applyCommand", () => {
  it("journals the decided events, then moves the actor, then reacts to each change of status in order", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { seen, react } = moves()
        const commands = makeApplyCommand(state, react)
        const task = yield* createdTask(state)
        const stored = yield* commands.applyAll(task, [{ type: "plan" }, { type: "start" }], principals.scheduler)
        expect(stored.map((envelope) => envelope.seq)).toEqual([2, 3])
        expect(statusOf(task.actor.getSnapshot())).toBe("running")
        expect(seen).toEqual([
          ["pending", "planning"],
          ["planning", "running"]
        ])
        // An in-state command journals an event but is no change of status.
        yield* commands.apply(task, { type: "progress", percent: 50 }, principals.scheduler)
        expect(seen).toHaveLength(2)
        const history = yield* state.journal.readTask(task.id, 0)
        expect(history.map((envelope) => envelope.event.type)).toEqual([
          "created",
          "status_changed",
          "status_changed",
          "progress"
        ])
      })
    ))

  it("refuses a command the lifecycle does not allow: nothing journalled, applied or reacted to", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { seen, react } = moves()
        const commands = makeApplyCommand(state, react)
        const task = yield* createdTask(state)
        const refused = yield* Effect.flip(commands.apply(task, { type: "complete", result: 1 }, principals.scheduler))
        expect(refused._tag).toBe("InvalidTransition")
        expect(refused).toMatchObject({ taskId: task.id, from: "pending", to: "completed", event: "complete" })
        expect(statusOf(task.actor.getSnapshot())).toBe("pending")
        expect(seen).toEqual([])
        expect(yield* state.journal.readTask(task.id, 1)).toEqual([])
      })
    ))

  it("takes consecutive commands all or nothing", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { react } = moves()
        const commands = makeApplyCommand(state, react)
        const task = yield* createdTask(state)
        const refused = yield* Effect.flip(
          commands.applyAll(task, [{ type: "plan" }, { type: "complete", result: 1 }], principals.scheduler)
        )
        expect(refused._tag).toBe("InvalidTransition")
        expect(statusOf(task.actor.getSnapshot())).toBe("pending")
        expect(yield* state.journal.readTask(task.id, 1)).toEqual([])
      })
    ))

  it("says why a command is refused for a task that is no longer live, from its stored record", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { react } = moves()
        const commands = makeApplyCommand(state, react)
        const task = yield* createdTask(state)
        yield* commands.apply(task, { type: "cancel" }, principals.scheduler)
        const refused = yield* Effect.flip(commands.refusedNow(task.id, { type: "cancel" }))
        expect(refused).toMatchObject({ _tag: "InvalidTransition", from: "cancelled", to: "cancelled" })
        const missing = yield* Effect.flip(
          commands.refusedNow("0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never, { type: "cancel" })
        )
        expect(missing._tag).toBe("TaskNotFound")
      })
    ))
})
