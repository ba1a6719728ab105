import type { TaskRecord } from "@coderclaw/protocol"
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { makeAgentContext } from "../../src/supervisor/agentContext.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

const childId = "0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e"

/** An agent context whose spawns and waits are recorded instead of run. */
const contextOf = (state: SupervisorState) => {
  const submitted: Array<{ raw: unknown; journalled: unknown }> = []
  const recording = recordingLifecycle()
  const lifecycle = {
    ...recording.lifecycle,
    submitTask: (
      _principal: unknown,
      raw: unknown,
      journalCreated?: (created: never) => Effect.Effect<unknown, unknown>
    ) =>
      Effect.gen(function* () {
        const created = { taskId: childId, seq: 1 } as never
        const journalled = journalCreated === undefined ? undefined : yield* journalCreated(created)
        submitted.push({ raw, journalled })
        return { id: childId } as TaskRecord
      })
  } as typeof recording.lifecycle
  const waiters = {
    askInput: () => Effect.succeed("answer" as const),
    awaitChildren: (_task: unknown, ids: unknown, until: unknown) => Effect.succeed([{ ids, until }] as never),
    awaitApproval: () => Effect.void
  }
  return { make: makeAgentContext(state, makeTaskRegistry(state), waiters, lifecycle), submitted, ...recording }
}

describe("agentContext", () => {
  it("spawns a child in the task's session, journalled with the parent's child_spawned, and replays it on a re-run", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { make, submitted, calls } = contextOf(state)
        const task = yield* createdTask(state)
        const first = make(task, 1, undefined)
        expect(yield* first.spawn({ agentId: "echo", description: "child" })).toBe(childId)
        expect(submitted[0]?.raw).toEqual({
          agentId: "echo",
          description: "child",
          parentId: task.id,
          sessionId: task.sessionId
        })
        const spawned = calls.find((call) => call.name === "apply")
        expect(spawned?.args[1]).toEqual({ type: "spawn_child", childId, agentId: "echo" })
        expect(spawned?.args[3]).toEqual([{ taskId: childId, seq: 1 }])
        // A re-run (a new attempt, or after a restart) gets the same child back, without spawning again.
        const rerun = make(task, 2, undefined)
        expect(yield* rerun.spawn({ agentId: "echo", description: "child" })).toBe(childId)
        expect(submitted).toHaveLength(1)
      })
    ))

  it("reports, saves checkpoints, asks and waits for the task", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { make, commandsApplied } = contextOf(state)
        const task = yield* createdTask(state)
        const context = make(task, 1, { step: 1 })
        expect([context.taskId, context.attempt, context.checkpoint]).toEqual([task.id, 1, { step: 1 }])
        yield* context.progress(10, "starting")
        yield* context.output("o", 1)
        yield* context.log("info", "hello")
        yield* context.artifact({ name: "a", uri: "file:///a" })
        expect(commandsApplied()).toEqual(["progress", "output", "log", "artifact"])
        yield* context.saveCheckpoint({ step: 2 })
        expect(yield* state.journal.loadCheckpoint(task.id)).toEqual(Option.some({ step: 2 }))
        expect(yield* context.askInput("?")).toBe("answer")
        // Waiting for children defaults to all of those spawned.
        expect(yield* context.awaitChildren()).toEqual([{ ids: undefined, until: "all" }])
      })
    ))
})
