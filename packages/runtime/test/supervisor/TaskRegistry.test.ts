import type { TaskRecord } from "@coderclaw/protocol"
import { statusOf } from "@coderclaw/task-machine"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { principals } from "../../src/supervisor/principals.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { createdTask, withState } from "./support.js"

describe("TaskRegistry", () => {
  it("finds a live task in memory, and brings a task left in the journal back into memory", () =>
    withState((state) =>
      Effect.gen(function* () {
        const registry = makeTaskRegistry(state)
        const commands = makeApplyCommand(state, () => Effect.void)
        const task = yield* createdTask(state)
        yield* commands.applyAll(task, [{ type: "plan" }, { type: "start" }], principals.scheduler)
        expect(yield* registry.liveTask(task.id)).toBe(task)
        // Dropped from memory (passivated, or a restart): rehydrated from its record, as journalled.
        state.tasks.delete(task.id)
        const back = yield* registry.liveTask(task.id)
        expect(back).not.toBe(task)
        expect(back && statusOf(back.actor.getSnapshot())).toBe("running")
        expect(back?.owner.id).toBe(task.owner.id)
        // A running task's children are read from its history when first needed.
        expect(back?.children).toBeUndefined()
        expect(back && (yield* registry.childrenOf(back))).toEqual([])
        expect(state.tasks.get(task.id)).toBe(back)
        // Rehydrating again gives the same live task.
        const [stored] = yield* state.journal.activeTasks
        expect(yield* registry.rehydrate(stored as TaskRecord)).toBe(back)
      })
    ))

  it("has no live task for an ended or unknown id", () =>
    withState((state) =>
      Effect.gen(function* () {
        const registry = makeTaskRegistry(state)
        const commands = makeApplyCommand(state, () => Effect.void)
        const task = yield* createdTask(state)
        yield* commands.apply(task, { type: "cancel" }, principals.scheduler)
        state.tasks.delete(task.id)
        expect(yield* registry.liveTask(task.id)).toBeUndefined()
        expect(yield* registry.liveTask("0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never)).toBeUndefined()
      })
    ))

  it("gives a task whose agent is not registered any more an agent that fails it for good", () =>
    withState((state) =>
      Effect.gen(function* () {
        const registry = makeTaskRegistry(state)
        const task = yield* createdTask(state)
        const [stored] = yield* state.journal.activeTasks
        state.tasks.delete(task.id)
        const orphan = yield* registry.rehydrate({ ...(stored as TaskRecord), agentId: "gone" })
        const failure = yield* Effect.flip(orphan.agent.run(null, undefined as never))
        expect(failure).toMatchObject({ code: "AGENT_UNAVAILABLE", retryable: false })
      })
    ))

  it("refuses a record that cannot be restored as a corrupt journal", () =>
    withState((state) =>
      Effect.gen(function* () {
        const registry = makeTaskRegistry(state)
        const task = yield* createdTask(state)
        const [stored] = yield* state.journal.activeTasks
        state.tasks.delete(task.id)
        const error = yield* Effect.flip(
          registry.rehydrate({ ...(stored as TaskRecord), status: "no such status" as never })
        )
        expect(error).toMatchObject({ _tag: "JournalError", reason: "Corrupt", taskId: task.id })
      })
    ))
})
