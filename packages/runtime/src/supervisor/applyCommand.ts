import { InvalidTransition, type PrincipalId, type TaskId, TaskNotFound, type TaskStatus } from "@coderclaw/protocol"
import {
  decide,
  decideCommand,
  restoreTaskSnapshot,
  sendDecided,
  statusOf,
  type TaskCommand,
  type TaskSnapshot
} from "@coderclaw/task-machine"
import { Clock, Effect, Option } from "effect"
import type { PendingEvent } from "../journal/Journal.js"
import { unavailable } from "./journalFailures.js"
import type { LiveTask } from "./LiveTask.js"
import { patienceOf, type SupervisorState } from "./SupervisorState.js"

/** What follows a task's change of status (slots, timers, its end): see `Reactions`. */
export type React = (task: LiveTask, from: TaskStatus, to: TaskStatus, at: number) => Effect.Effect<void>

/** The caller-facing error for a command the task machine refused. */
export const rejection = (
  taskId: TaskId,
  error: { from: TaskStatus; to: TaskStatus; event: string; detail?: string | undefined }
) =>
  new InvalidTransition({
    taskId,
    from: error.from,
    to: error.to,
    event: error.event,
    ...(error.detail === undefined ? {} : { detail: error.detail })
  })

/**
 * Commands applied to tasks: decide → append → adopt → react.
 *
 * A command is decided against the task's actor, the resulting events are journalled, and only then is it
 * applied to the actor: the journal is the truth, and of two commands racing on one task the first to take
 * the task's lock wins. The whole step is uninterruptible so the actor never falls behind the journal.
 * Reactions that take other tasks' locks (cancelling children) never wait for this task's lock, and
 * parents are resumed from a separate fiber, so locks are only ever taken downwards.
 */
export const makeApplyCommand = (state: SupervisorState, react: React) => {
  // Defined once, not as an `Effect.gen` per call: every task goes through here for each of its events.
  const applyStep = Effect.fnUntraced(function* (
    task: LiveTask,
    commands: ReadonlyArray<TaskCommand>,
    causedBy: PrincipalId,
    alongside: ReadonlyArray<PendingEvent>
  ) {
    const at = yield* Clock.currentTimeMillis
    const pending = [...alongside]
    const moves: Array<{ command: TaskCommand; before: TaskSnapshot; after: TaskSnapshot }> = []
    let current = task.actor.getSnapshot()
    for (const command of commands) {
      const decision = decideCommand(current, command)
      if (decision._tag === "Rejected") return yield* Effect.fail(rejection(task.id, decision.error))
      for (const { seq, event } of decision.events) pending.push({ taskId: task.id, seq, at, causedBy, event })
      moves.push({ command, before: current, after: decision.snapshot })
      current = decision.snapshot
    }
    const stored = yield* state.writer.append(pending, patienceOf(state, causedBy))
    for (const move of moves) sendDecided(task.actor, move.command, move.before, move.after)
    // Still under the lock: reactions to consecutive moves (waiting, then running again) must run in
    // the order of the moves, or slots and waiting deadlines would be released or armed out of turn.
    for (const move of moves) {
      const from = statusOf(move.before)
      const to = statusOf(move.after)
      if (from !== to) yield* react(task, from, to, at)
    }
    return stored
  })

  /**
   * Consecutive commands taken as one step: decided one after the other, journalled in one atomic append
   * (after `alongside`, events of other tasks such as a child's `created`), applied in order. All or
   * nothing: if one is refused, none is journalled or applied.
   */
  const applyAll = (
    task: LiveTask,
    commands: ReadonlyArray<TaskCommand>,
    causedBy: PrincipalId,
    alongside: ReadonlyArray<PendingEvent> = []
  ) => Effect.uninterruptible(task.lock.withPermits(1)(applyStep(task, commands, causedBy, alongside)))

  /** One command: see `applyAll`. */
  const apply = (
    task: LiveTask,
    command: TaskCommand,
    causedBy: PrincipalId,
    alongside: ReadonlyArray<PendingEvent> = []
  ) => applyAll(task, [command], causedBy, alongside)

  /**
   * Why a command is refused for a task that is no longer live. Decided against the record as stored
   * now, not as the caller first read it: the task may have ended while the call was being authorized.
   */
  const refusedNow = (taskId: TaskId, command: TaskCommand) =>
    Effect.gen(function* () {
      const stored = yield* state.journal.loadTask(taskId).pipe(Effect.mapError(unavailable))
      if (Option.isNone(stored)) return yield* new TaskNotFound({ taskId })
      const decision = decide(restoreTaskSnapshot(stored.value), command)
      const error =
        decision._tag === "Rejected"
          ? decision.error
          : { from: stored.value.status, to: stored.value.status, event: command.type, detail: "the task is not live" }
      return yield* rejection(taskId, error)
    })

  return { apply, applyAll, refusedNow }
}
