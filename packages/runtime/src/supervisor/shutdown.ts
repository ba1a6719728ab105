import { statusOf } from "@coderclaw/task-machine"
import { Deferred, Effect, FiberMap, FiberSet } from "effect"
import type { SupervisorState } from "./SupervisorState.js"

/** How often shutdown looks whether running attempts have finished. */
const pollMs = 10

/**
 * Shutting down: stop accepting, let running attempts finish for up to the grace period, then interrupt what
 * is left (agents, timers, the runtime's own fibers) and end every subscription. Runs once; later calls
 * wait for the first.
 */
export const makeShutdown = (state: SupervisorState) => {
  const done = Deferred.makeUnsafe<void>()
  let started = false
  const busy = () =>
    [...state.tasks.values()].some((task) => {
      const status = statusOf(task.actor.getSnapshot())
      return status === "planning" || status === "running"
    })
  return (graceMs = state.options.shutdownGraceMs ?? 5_000): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (started) return Deferred.await(done)
      started = true
      state.accepting = false
      return Effect.gen(function* () {
        yield* Effect.gen(function* () {
          while (busy()) yield* Effect.sleep(pollMs)
        }).pipe(Effect.timeoutOption(graceMs))
        yield* FiberMap.clear(state.fibers)
        yield* FiberMap.clear(state.timers)
        yield* FiberSet.clear(state.handlers)
        state.closed = true
        state.hub.wakeAll()
        for (const task of state.tasks.values()) task.actor.stop()
        state.tasks.clear()
      }).pipe(Effect.ensuring(Deferred.succeed(done, undefined)))
    })
}
