import type { TaskId } from "@coderclaw/protocol"
import { Clock, Effect, FiberMap, FiberSet } from "effect"
import { logLost } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { principals } from "./principals.js"
import type { SupervisorState } from "./SupervisorState.js"
import type { TaskRegistry } from "./TaskRegistry.js"

const taskKey = (taskId: TaskId) => `${taskId}:deadline`
const waitingKey = (taskId: TaskId) => `${taskId}:waiting`

/**
 * A task's deadlines: its whole run (`timeoutMs`) and each of its waits (`waitingTimeoutMs`), kept as
 * absolute times so they survive a restart. A deadline that passes stops the task's agent and fails it.
 * Each is one timer fiber in `state.timers`; the expiry runs in `state.handlers`, so disarming a deadline
 * from its own expiry cannot interrupt it.
 */
export const makeDeadlines = (
  state: SupervisorState,
  registry: Pick<TaskRegistry, "liveTask">,
  lifecycle: Pick<Lifecycle, "apply" | "evict">
) => {
  /** Stops a task's work and fails it. Loses quietly if the task ended meanwhile. */
  const failTask = (taskId: TaskId, error: { code: string; message: string }) =>
    Effect.gen(function* () {
      const task = yield* registry.liveTask(taskId, "until-stored")
      if (task === undefined) return
      yield* FiberMap.remove(state.fibers, taskId)
      yield* lifecycle.apply(task, { type: "fail", error }, principals.deadline).pipe(
        Effect.catchTag("InvalidTransition", () => Effect.void),
        Effect.catchTag("Unavailable", (refused) => lifecycle.evict(task, refused))
      )
    }).pipe(Effect.catchTag("Unavailable", logLost(`task ${taskId}: the deadline could not be applied`)))

  const arm = (key: string, at: number, onExpiry: Effect.Effect<void>) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      yield* FiberMap.run(
        state.timers,
        key,
        Effect.sleep(Math.max(0, at - now)).pipe(Effect.andThen(FiberSet.run(state.handlers, onExpiry)))
      )
    })

  /** Fails the task at `at` (epoch ms) unless it ended before. */
  const armTask = (task: LiveTask, at: number) =>
    arm(
      taskKey(task.id),
      at,
      failTask(task.id, { code: "TIMEOUT", message: "the task did not finish before its deadline" })
    )

  /** Fails the task at `at` (epoch ms) unless its current wait ended before. */
  const armWaiting = (task: LiveTask, at: number) =>
    arm(
      waitingKey(task.id),
      at,
      failTask(task.id, { code: "TIMEOUT", message: "the task waited longer than its waiting timeout" })
    )

  /** The wait ended: its deadline is dropped. */
  const disarmWaiting = (taskId: TaskId) => FiberMap.remove(state.timers, waitingKey(taskId))

  /** The task ended or left memory: both its deadlines are dropped. */
  const disarmAll = (taskId: TaskId) =>
    Effect.andThen(FiberMap.remove(state.timers, taskKey(taskId)), FiberMap.remove(state.timers, waitingKey(taskId)))

  return { armTask, armWaiting, disarmWaiting, disarmAll, failTask }
}

export type Deadlines = ReturnType<typeof makeDeadlines>
