import { isTerminalStatus, type TaskStatus, type Unavailable } from "@coderclaw/protocol"
import { Effect, FiberSet } from "effect"
import type { Deadlines } from "./Deadlines.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import type { Slots } from "./Slots.js"
import type { SupervisorState } from "./SupervisorState.js"

/**
 * What follows a task's change of status, once it is journalled and applied: a waiting task gives back its
 * slot and arms its waiting deadline, a resumed one takes a slot again, an ended one frees everything it
 * held, cancels its children (if it failed or was cancelled) and tells its parent. Every move lets the queue
 * move on. Also the eviction of a task the journal refused for good.
 */
export const makeReactions = (
  state: SupervisorState,
  slots: Pick<Slots, "take" | "release" | "drain">,
  deadlines: Pick<Deadlines, "armWaiting" | "disarmWaiting" | "disarmAll">,
  lifecycle: Pick<Lifecycle, "cancelChildren" | "settleParentIfReady">
) => {
  /** A task reached a final status: free everything it held and tell its parent. */
  const finish = Effect.fnUntraced(function* (task: LiveTask, to: TaskStatus) {
    slots.release(task)
    state.queue.remove(task.id)
    state.tasks.delete(task.id)
    task.actor.stop()
    yield* deadlines.disarmAll(task.id)
    if (to === "cancelled" || to === "failed") yield* lifecycle.cancelChildren(task.id, `parent task ${to}`)
    if (task.parentId !== undefined) yield* FiberSet.run(state.handlers, lifecycle.settleParentIfReady(task.parentId))
  })

  const reactToMove = Effect.fnUntraced(function* (task: LiveTask, from: TaskStatus, to: TaskStatus, at: number) {
    if (to === "waiting") {
      slots.release(task)
      if (task.waitingTimeoutMs !== undefined) yield* deadlines.armWaiting(task, at + task.waitingTimeoutMs)
    }
    if (from === "waiting" && to === "running") {
      yield* deadlines.disarmWaiting(task.id)
      slots.take(task)
    }
    if (isTerminalStatus(to)) yield* finish(task, to)
    yield* slots.drain
  })

  /** What follows a status change from `from` to `to`, made at `at` (epoch ms). */
  const react = (task: LiveTask, from: TaskStatus, to: TaskStatus, at: number): Effect.Effect<void> => {
    // Planning and starting (every task does both) only let the queue move on.
    if (to !== "waiting" && from !== "waiting" && !isTerminalStatus(to)) return slots.drain
    return reactToMove(task, from, to, at)
  }

  /**
   * The journal refused one of the runtime's own steps for a task for good (not a transient failure, which
   * is retried until stored). The task leaves memory exactly as journalled, releasing its slot so the others
   * go on; it is recovered from its record at the next start. Health reports the failure meanwhile.
   */
  const evict = (task: LiveTask, error: Unavailable) =>
    Effect.gen(function* () {
      yield* Effect.logError(
        `task ${task.id}: the journal refused a step (${error.reason}); the task stays as journalled and is recovered at the next start`
      )
      if (state.tasks.get(task.id) === task) state.tasks.delete(task.id)
      slots.release(task)
      state.queue.remove(task.id)
      task.actor.stop()
      yield* deadlines.disarmAll(task.id)
      yield* slots.drain
    })

  return { react, evict }
}
