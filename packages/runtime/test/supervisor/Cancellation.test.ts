import { statusOf } from "@coderclaw/task-machine"
import { Deferred, Effect, FiberMap } from "effect"
import { describe, expect, it } from "vitest"
import { makeApplyCommand } from "../../src/supervisor/applyCommand.js"
import { makeCancellation } from "../../src/supervisor/Cancellation.js"
import { principals } from "../../src/supervisor/principals.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { alice } from "../support/harness.js"
import { createdTask, recordingLifecycle, withState } from "./support.js"

const cancellationOf = (state: SupervisorState) => {
  const commands = makeApplyCommand(state, () => Effect.void)
  const recording = recordingLifecycle({ apply: commands.apply })
  return { cancellation: makeCancellation(state, makeTaskRegistry(state), recording.lifecycle), commands }
}

describe("Cancellation", () => {
  it("stops the task's agent before journalling the cancellation", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { cancellation, commands } = cancellationOf(state)
        const task = yield* createdTask(state)
        yield* commands.applyAll(task, [{ type: "plan" }, { type: "start" }], principals.scheduler)
        const stoppedWhile = yield* Deferred.make<string>()
        yield* FiberMap.run(
          state.fibers,
          task.id,
          Effect.never.pipe(
            Effect.onInterrupt(() => Deferred.succeed(stoppedWhile, statusOf(task.actor.getSnapshot())))
          )
        )
        expect(yield* cancellation.cancelTask(task.id, alice.id, "not needed")).toBe(true)
        expect(yield* Deferred.await(stoppedWhile)).toBe("running")
        expect(statusOf(task.actor.getSnapshot())).toBe("cancelled")
      })
    ))

  it("has nothing to cancel for an ended or unknown task", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { cancellation } = cancellationOf(state)
        expect(
          yield* cancellation.cancelTask("0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never, alice.id, undefined)
        ).toBe(false)
      })
    ))
})
