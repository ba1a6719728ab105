import { isTerminalStatus, type JsonValue, type TaskId, type TaskRecord } from "@coderclaw/protocol"
import { statusOf, type TaskCommand } from "@coderclaw/task-machine"
import { Deferred, Effect, FiberMap, Option } from "effect"
import type { SkillScope } from "../agent/defineSkill.js"
import { agentApply } from "./agentReporters.js"
import { approvalSummary } from "./approvalSummary.js"
import { logLost } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import type { LiveTask } from "./LiveTask.js"
import { principals } from "./principals.js"
import type { SupervisorState } from "./SupervisorState.js"
import type { TaskRegistry } from "./TaskRegistry.js"

/** Whether children are ready for a parent waiting for `until` of them. */
export const childrenReady = (children: ReadonlyArray<TaskRecord>, until: "all" | "any") =>
  children.length === 0 ||
  (until === "all"
    ? children.every((child) => isTerminalStatus(child.status))
    : children.some((child) => isTerminalStatus(child.status)))

/**
 * The three waits of an agent (an answer, its children, an approval) and how each is resumed. A waiting
 * agent fiber parks on a `Deferred` kept as the task's `waiter`; when the task was passivated or rehydrated
 * there is no fiber, and resuming re-runs the agent, which finds what it waited for (`pendingAnswer`,
 * `pendingApproval`, its children ended) and goes on.
 */
export const makeWaiters = (
  state: SupervisorState,
  registry: Pick<TaskRegistry, "liveTask" | "childrenOf">,
  lifecycle: Pick<Lifecycle, "apply" | "evict" | "startAgent">
) => {
  const { journal, options } = state
  const persist = state.writer.persist
  const applyForAgent = agentApply(lifecycle)

  /** Drops a waiting task from memory; it is rehydrated, and its agent re-run, when it resumes. */
  const passivate = (task: LiveTask) =>
    Effect.gen(function* () {
      task.waiter = undefined
      state.tasks.delete(task.id)
      task.actor.stop()
      return yield* Effect.interrupt
    })

  const loadRecords = (ids: ReadonlyArray<TaskId>) =>
    Effect.forEach(ids, (id) =>
      persist(journal.loadTask(id)).pipe(
        Effect.orDie,
        Effect.flatMap((found) =>
          Option.isSome(found)
            ? Effect.succeed(found.value)
            : Effect.die(new Error(`child task ${id} is not in the journal`))
        )
      )
    )

  // The fibers of tasks that wait run these generators for as long as they wait. Defined once here rather
  // than as `Effect.gen` inside each call: every generator function created per call gives its suspended
  // generator a shape (hidden class) of its own, heap that each waiting task kept for nothing.

  /** An agent's question: the answer a rehydrated task was resumed with, or a wait for a person's answer. */
  const askInput = Effect.fnUntraced(function* (task: LiveTask, prompt: string, schema: JsonValue | undefined) {
    if (task.pendingAnswer !== undefined) {
      const answer = task.pendingAnswer
      task.pendingAnswer = undefined
      return answer
    }
    const answer = yield* Deferred.make<JsonValue>()
    task.waiter = { kind: "input", answer }
    yield* applyForAgent(task, { type: "request_input", prompt, ...(schema === undefined ? {} : { schema }) })
    if (options.passivateWaiting) return yield* passivate(task)
    return yield* Deferred.await(answer)
  })

  /** Resumes a parent waiting for children once every one of them (or any, as it asked) has ended. */
  const settleParentIfReady = (parentId: TaskId): Effect.Effect<void> =>
    Effect.gen(function* () {
      const parent = yield* registry.liveTask(parentId, "until-stored")
      if (parent === undefined) return
      const snapshot = parent.actor.getSnapshot()
      if (statusOf(snapshot) !== "waiting" || snapshot.context.waitingFor !== "children") return
      const waiter = parent.waiter
      const ids = waiter?.kind === "children" ? waiter.childIds : yield* persist(registry.childrenOf(parent))
      const children = yield* loadRecords(ids)
      // A rehydrated parent has no waiter to say what it waits for: re-running its agent when any child
      // ends is always safe, because the agent waits again if what it needs has not happened yet.
      if (!childrenReady(children, waiter?.kind === "children" ? waiter.until : "any")) return
      const settled = yield* lifecycle.apply(parent, { type: "children_settled" }, principals.scheduler).pipe(
        Effect.as(true),
        // Refused: the parent moved on meanwhile (cancelled, timed out, or already resumed).
        Effect.catchTag("InvalidTransition", () => Effect.succeed(false)),
        Effect.catchTag("Unavailable", (refused) => Effect.as(lifecycle.evict(parent, refused), false))
      )
      if (!settled) return
      if (waiter?.kind === "children") {
        parent.waiter = undefined
        yield* Deferred.succeed(waiter.settled, children)
      } else {
        yield* lifecycle.startAgent(parent)
      }
    }).pipe(
      Effect.catchTag("Unavailable", logLost(`task ${parentId}: its children could not be checked`)),
      Effect.catchTag("JournalError", logLost(`task ${parentId}: its children could not be checked`))
    )

  /** An agent's wait for children it spawned: returns their records once they are ready. */
  const awaitChildren = (task: LiveTask, childIds: ReadonlyArray<TaskId> | undefined, until: "all" | "any") =>
    Effect.gen(function* () {
      const ids = childIds ?? [...(yield* persist(registry.childrenOf(task)).pipe(Effect.orDie))]
      const current = yield* loadRecords(ids)
      if (childrenReady(current, until)) return current
      const settled = yield* Deferred.make<ReadonlyArray<TaskRecord>>()
      task.waiter = { kind: "children", childIds: ids, until, settled }
      yield* applyForAgent(task, { type: "await_children" })
      // A child may have ended between the check above and the move to waiting.
      yield* settleParentIfReady(task.id)
      if (options.passivateWaiting && task.waiter !== undefined) return yield* passivate(task)
      return yield* Deferred.await(settled)
    })

  /**
   * Parks the task in `waiting/approval` until a person decides. Approved, this returns and the skill runs;
   * denied, the task fails and this fiber is stopped. A task re-run after passivation or a restart finds
   * the approval it was resumed with and does not ask again for the same skill.
   */
  const awaitApproval = (task: LiveTask, skillId: string, skillInput: JsonValue, scope: SkillScope | undefined) =>
    Effect.gen(function* () {
      if (task.pendingApproval === skillId) {
        task.pendingApproval = undefined
        return
      }
      const approved = yield* Deferred.make<void>()
      task.waiter = { kind: "approval", skillId, approved }
      yield* applyForAgent(task, {
        type: "request_approval",
        skillId,
        summary: approvalSummary(task.agent.descriptor.id, skillId, skillInput, scope)
      })
      if (options.passivateWaiting) return yield* passivate(task)
      return yield* Deferred.await(approved)
    })

  /** The skill a task waiting for approval asked for, read from its history (for a rehydrated task). */
  const requestedApproval = (taskId: TaskId) =>
    persist(journal.readTask(taskId, 0)).pipe(
      Effect.map((history) => {
        const requests = history.flatMap((envelope) =>
          envelope.event.type === "approval_requested" ? [envelope.event.skillId] : []
        )
        return requests.at(-1)
      }),
      Effect.orDie
    )

  /** A person's answer, already applied to the task: resumes the parked agent, or re-runs it with the answer. */
  const answered = (task: LiveTask, waiter: LiveTask["waiter"], input: JsonValue) =>
    Effect.gen(function* () {
      if (waiter?.kind === "input") {
        task.waiter = undefined
        yield* Deferred.succeed(waiter.answer, input)
      } else {
        task.pendingAnswer = input
        yield* lifecycle.startAgent(task)
      }
    })

  /**
   * A person's decision on an approval, already applied to the task. Denied, the task has failed and its
   * agent fiber, parked on the approval, is stopped; approved, the parked agent goes on, or is re-run.
   */
  const decided = (task: LiveTask, waiter: LiveTask["waiter"], approved: boolean) =>
    Effect.gen(function* () {
      if (!approved) {
        task.waiter = undefined
        yield* FiberMap.remove(state.fibers, task.id)
      } else if (waiter?.kind === "approval") {
        task.waiter = undefined
        yield* Deferred.succeed(waiter.approved, undefined)
      } else {
        task.pendingApproval = yield* requestedApproval(task.id)
        yield* lifecycle.startAgent(task)
      }
    })

  /**
   * Applies a person's answer or decision to a live task and resumes it. The waiter is read before the
   * command is applied: applying it may end the wait.
   */
  const resume = (
    task: LiveTask,
    command: TaskCommand,
    causedBy: LiveTask["owner"]["id"],
    then: (waiter: LiveTask["waiter"]) => Effect.Effect<void>
  ) =>
    Effect.gen(function* () {
      const waiter = task.waiter
      yield* lifecycle.apply(task, command, causedBy)
      yield* then(waiter)
    })

  return {
    askInput,
    awaitChildren,
    awaitApproval,
    settleParentIfReady,
    answered,
    decided,
    resume,
    passivate
  }
}

export type Waiters = ReturnType<typeof makeWaiters>
