import type { PrincipalId, TaskId, TaskStatus } from "@coderclaw/protocol"
import { Effect, FiberMap } from "effect"
import { logLost } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import { principals } from "./principals.js"
import { patienceOf, type SupervisorState } from "./SupervisorState.js"
import type { TaskRegistry } from "./TaskRegistry.js"

const activeStatuses: ReadonlyArray<TaskStatus> = ["pending", "planning", "running", "waiting"]

/** Cancelling a task stops its agent first, so nothing more happens, and then journals the cancellation. */
export const makeCancellation = (
  state: SupervisorState,
  registry: Pick<TaskRegistry, "liveTask">,
  lifecycle: Pick<Lifecycle, "apply">
) => {
  /** Cancels a task; false when it is not live (ended, or unknown). */
  const cancelTask = (taskId: TaskId, causedBy: PrincipalId, reason: string | undefined) =>
    Effect.gen(function* () {
      const task = yield* registry.liveTask(taskId, patienceOf(state, causedBy))
      if (task === undefined) return false
      yield* FiberMap.remove(state.fibers, taskId)
      state.queue.remove(taskId)
      yield* lifecycle.apply(task, { type: "cancel", ...(reason === undefined ? {} : { reason }) }, causedBy)
      return true
    })

  /** Cancels every active child of a task (and, through them, their children). */
  const cancelChildren = (parentId: TaskId, reason: string): Effect.Effect<void> =>
    Effect.gen(function* () {
      let cursor: string | undefined
      do {
        const page = yield* state.writer.persist(
          state.journal
            .listTasks(
              { filter: { parentId, status: activeStatuses } },
              { limit: 500, ...(cursor === undefined ? {} : { cursor }) }
            )
            .pipe(
              // The journal's own `nextCursor`, passed back unchanged: a refusal would be a journal bug.
              Effect.catchTag("InvalidRequest", (refused) => Effect.die(refused))
            )
        )
        yield* Effect.forEach(
          page.items,
          (child) =>
            cancelTask(child.id, principals.scheduler, reason).pipe(
              // Refused: the child ended meanwhile, which is what cancelling it was for.
              Effect.catchTag("InvalidTransition", () => Effect.void),
              Effect.catchTag("Unavailable", logLost(`task ${child.id}: it could not be cancelled with its parent`))
            ),
          { discard: true }
        )
        cursor = page.nextCursor
      } while (cursor !== undefined)
    }).pipe(Effect.catchTag("JournalError", logLost(`task ${parentId}: its children could not be listed`)))

  return { cancelTask, cancelChildren }
}
