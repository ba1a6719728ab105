import type { TaskRecord } from "@coderclaw/protocol"
import { statusOf } from "@coderclaw/task-machine"
import { Clock, Effect } from "effect"
import type { JournalError } from "../journal/JournalError.js"
import { interruptedError } from "./AgentRunner.js"
import type { Deadlines } from "./Deadlines.js"
import { logLost } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { principals } from "./principals.js"
import type { SupervisorState } from "./SupervisorState.js"
import type { TaskRegistry } from "./TaskRegistry.js"

/**
 * Brings back every unfinished task after a start: pending and planning tasks are queued again, running
 * ones restart their agent from its last checkpoint as a new attempt, waiting ones keep waiting (and
 * resume at once if what they waited for happened while the runtime was down).
 */
export const makeRecover = (
  state: SupervisorState,
  registry: Pick<TaskRegistry, "rehydrate">,
  deadlines: Pick<Deadlines, "armTask" | "armWaiting">,
  lifecycle: Pick<Lifecycle, "apply" | "evict" | "settleParentIfReady" | "drain">
): Effect.Effect<void, JournalError> => {
  const { journal, options, tasks, queue } = state

  /**
   * When a running task's last event is a failed attempt whose back-off had not ended by now, the next
   * attempt certainly had not started before the stop: the time it may start. Otherwise `undefined`.
   */
  const pendingRetryAt = (stored: TaskRecord): Effect.Effect<number | undefined> =>
    stored.attempt <= 1
      ? Effect.succeed(undefined)
      : Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const [last] = yield* state.writer.persist(journal.readTask(stored.id, stored.lastSeq - 1))
          if (last?.event.type !== "attempt_failed") return undefined
          const retryAt = last.at + last.event.retryInMs
          return retryAt > now ? retryAt : undefined
        }).pipe(
          // Unreadable: the attempt is taken as started, as before this check existed.
          Effect.catchTag("JournalError", (error) =>
            Effect.as(logLost(`task ${stored.id}: its last attempt could not be read`)(error), undefined)
          )
        )

  /**
   * Recovery's step for one rehydrated task besides queueing it: a running task's interrupted attempt is
   * recorded (true when the task stays running, to be queued for its next attempt); a waiting task re-arms
   * its waiting deadline, resumes if its children ended meanwhile, and is passivated if configured.
   */
  const recoverStep = (stored: TaskRecord, task: LiveTask): Effect.Effect<boolean> => {
    switch (stored.status) {
      case "running":
        return Effect.gen(function* () {
          // A retry still waiting out its back-off had not started: it runs when the back-off ends, and
          // nothing was interrupted.
          const retryAt = yield* pendingRetryAt(stored)
          if (retryAt !== undefined) {
            task.retryAt = retryAt
            return true
          }
          // An attempt is counted when it starts: the interrupted one is recorded as the re-run starts
          // (`attempts`), so a crash before then leaves the record as it is. Only a task whose last attempt
          // was interrupted fails now.
          if (stored.attempt < stored.maxAttempts) {
            task.interrupted = true
            return true
          }
          return yield* lifecycle.apply(task, { type: "fail", error: interruptedError }, principals.recovery).pipe(
            Effect.as(false),
            Effect.catchTag("InvalidTransition", () => Effect.succeed(false)),
            Effect.catchTag("Unavailable", (refused) => Effect.as(lifecycle.evict(task, refused), false))
          )
        })
      case "waiting":
        return Effect.gen(function* () {
          if (stored.waitingDeadline !== undefined) yield* deadlines.armWaiting(task, stored.waitingDeadline)
          if (stored.waitingFor === "children") yield* lifecycle.settleParentIfReady(task.id)
          if (
            options.passivateWaiting &&
            tasks.get(task.id) === task &&
            statusOf(task.actor.getSnapshot()) === "waiting"
          ) {
            tasks.delete(task.id)
            task.actor.stop()
          }
          return false
        })
      default:
        return Effect.succeed(false)
    }
  }

  return Effect.gen(function* () {
    const unfinished = yield* journal.activeTasks
    const live: Array<readonly [TaskRecord, LiveTask]> = []
    for (const stored of unfinished) {
      const task = yield* registry.rehydrate(stored)
      if (stored.deadline !== undefined) yield* deadlines.armTask(task, stored.deadline)
      live.push([stored, task])
    }
    // Every task's step is journalled concurrently, so the journal's group commit stores them in a few
    // transactions: one after the other, each waited for its own commit (an fsync on a durable journal),
    // and recovering 10,000 running tasks took seconds. The queue is then filled in journal order, as before.
    const retried = yield* Effect.forEach(live, ([stored, task]) => recoverStep(stored, task), {
      concurrency: "unbounded"
    })
    live.forEach(([stored, task], index) => {
      if (stored.status === "pending" || stored.status === "planning") {
        queue.push(task.id, task.agent.descriptor.id, task.priority)
      } else if (retried[index] === true && statusOf(task.actor.getSnapshot()) === "running") {
        queue.push(task.id, task.agent.descriptor.id, task.priority + 1_000)
      }
    })
    yield* lifecycle.drain
  })
}
