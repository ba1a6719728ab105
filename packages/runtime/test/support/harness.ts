import type { Principal, TaskEventEnvelope, TaskRecord } from "@coderclaw/protocol"
// The test principals and the poller are the same for every package: @coderclaw/test-kit.
import { admin, alice, bob, until } from "@coderclaw/test-kit"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import {
  Authorizer,
  InMemoryJournal,
  type Journal,
  Runtime,
  type RuntimeOptions,
  type RuntimeShape
} from "../../src/index.js"

export { admin, alice, bob, until }

/** A runtime on an in-memory journal, driven with Promises from tests. */
export const startRuntime = (
  options: RuntimeOptions,
  journalLayer: Layer.Layer<Journal, unknown> = InMemoryJournal.layer
) => {
  const layer = Layer.provideMerge(Runtime.layer(options), Layer.merge(journalLayer, Authorizer.permissive))
  const managed = ManagedRuntime.make(layer)
  const call = <A, E>(use: (runtime: RuntimeShape) => Effect.Effect<A, E>) =>
    managed.runPromise(
      Effect.gen(function* () {
        return yield* use(yield* Runtime)
      })
    )
  return {
    managed,
    call,
    run: <A, E>(effect: Effect.Effect<A, E, Runtime | Journal>) => managed.runPromise(effect),
    submit: (request: unknown, principal: Principal = alice) => call((runtime) => runtime.submit(principal, request)),
    get: (taskId: string, principal: Principal = alice) => call((runtime) => runtime.get(principal, taskId)),
    events: (taskId: string, afterSeq = 0, principal: Principal = alice) =>
      call((runtime) => Stream.runCollect(runtime.subscribe(principal, taskId, afterSeq))),
    /** Resolves with the final record of the task once its stream ends. */
    settled: async (taskId: string, principal: Principal = alice): Promise<TaskRecord> => {
      await call((runtime) => Stream.runDrain(runtime.subscribe(principal, taskId)))
      return call((runtime) => runtime.get(principal, taskId))
    },
    dispose: () => managed.dispose()
  }
}

export type Harness = ReturnType<typeof startRuntime>

export const eventTypes = (events: ReadonlyArray<TaskEventEnvelope>) =>
  events.map((envelope) =>
    envelope.event.type === "status_changed" ? `${envelope.event.from}→${envelope.event.to}` : envelope.event.type
  )
