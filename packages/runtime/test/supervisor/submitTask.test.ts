import { Unavailable } from "@coderclaw/protocol"
import { Effect, FiberMap } from "effect"
import { describe, expect, it } from "vitest"
import { makeAccess } from "../../src/supervisor/access.js"
import { makeDeadlines } from "../../src/supervisor/Deadlines.js"
import type { SupervisorState } from "../../src/supervisor/SupervisorState.js"
import { makeSubmitTask } from "../../src/supervisor/submitTask.js"
import { makeTaskRegistry } from "../../src/supervisor/TaskRegistry.js"
import { alice } from "../support/harness.js"
import { recordingLifecycle, withState } from "./support.js"

const submitterOf = (state: SupervisorState) => {
  const recording = recordingLifecycle()
  const registry = makeTaskRegistry(state)
  const submit = makeSubmitTask(
    state,
    makeAccess(state),
    registry,
    makeDeadlines(state, registry, recording.lifecycle),
    recording.lifecycle
  )
  return { submit, ...recording }
}

const request = { agentId: "echo", description: "say hello", input: "hello" }

describe("submitTask", () => {
  it("journals the task's creation, holds it in memory, queues it and lets the queue move", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { submit, calls } = submitterOf(state)
        const record = yield* submit(alice, { ...request, timeoutMs: 60_000 })
        expect(record).toMatchObject({ status: "pending", agentId: "echo", owner: alice.id, lastSeq: 1 })
        expect(state.tasks.has(record.id)).toBe(true)
        expect(state.queue.size).toBe(1)
        expect(calls.map((call) => call.name)).toEqual(["drain"])
        expect(yield* FiberMap.has(state.timers, `${record.id}:deadline`)).toBe(true)
      })
    ))

  it("refuses bad requests, unknown agents, a full queue and a runtime shutting down, with typed errors", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const { submit } = submitterOf(state)
          expect((yield* Effect.flip(submit(alice, { agentId: 42 })))._tag).toBe("InvalidRequest")
          expect(yield* Effect.flip(submit(alice, { ...request, agentId: "nobody" }))).toMatchObject({
            _tag: "AgentNotFound",
            agentId: "nobody"
          })
          yield* submit(alice, request)
          expect(yield* Effect.flip(submit(alice, request))).toMatchObject({ _tag: "Overloaded", limit: 1 })
          state.accepting = false
          expect((yield* Effect.flip(submit(alice, request)))._tag).toBe("Unavailable")
        }),
      { maxQueued: 1 }
    ))

  it("returns the same task for a retry with the same idempotency key, and refuses the key for another request", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { submit } = submitterOf(state)
        const first = yield* submit(alice, { ...request, idempotencyKey: "k1" })
        const again = yield* submit(alice, { ...request, idempotencyKey: "k1" })
        expect(again.id).toBe(first.id)
        expect(state.queue.size).toBe(1)
        const other = yield* Effect.flip(submit(alice, { ...request, input: "bye", idempotencyKey: "k1" }))
        expect(other).toMatchObject({ _tag: "InvalidRequest" })
      })
    ))

  it("leaves nothing in memory when the task's creation could not be journalled", () =>
    withState((state) =>
      Effect.gen(function* () {
        const { submit } = submitterOf(state)
        const refused = yield* Effect.flip(
          submit(alice, request, () => Effect.fail(new Unavailable({ reason: "disk full" })))
        )
        expect(refused).toMatchObject({ _tag: "Unavailable", reason: "disk full" })
        expect(state.tasks.size).toBe(0)
        expect(state.queue.size).toBe(0)
      })
    ))
})
