import { isTerminalStatus, type TaskId, type TaskRecord } from "@coderclaw/protocol"
import { restoreTaskSnapshot, startTaskActor, type TaskSnapshot } from "@coderclaw/task-machine"
import { Effect, Option, Semaphore } from "effect"
import { AgentFailure } from "../agent/AgentFailure.js"
import type { AgentDefinition } from "../agent/defineAgent.js"
import { JournalError } from "../journal/JournalError.js"
import { unavailable } from "./journalFailures.js"
import type { Patience } from "./journalWriter.js"
import { type LiveTask, ownerFromRecord } from "./LiveTask.js"
import type { SupervisorState } from "./SupervisorState.js"

/** What a task held in memory is made of, besides its actor and per-task bookkeeping. */
export type LiveTaskFields = Pick<
  LiveTask,
  "id" | "agent" | "sessionId" | "parentId" | "rootId" | "priority" | "waitingTimeoutMs" | "owner" | "children"
> & {
  readonly maxAttempts: number
  /** The snapshot to start from (a rehydrated task); a new task starts as just created. */
  readonly snapshot: TaskSnapshot | undefined
}

/** An agent that is not registered on this node any more: its tasks fail instead of hanging. */
export const missingAgent = (agentId: string): AgentDefinition => ({
  descriptor: { id: agentId, name: agentId, description: "not registered", capabilities: [], skills: [] },
  run: () =>
    Effect.fail(
      new AgentFailure({ code: "AGENT_UNAVAILABLE", message: `agent ${agentId} is not registered`, retryable: false })
    )
})

/**
 * The tasks held in memory: made (new or rehydrated from their record), found by id (rehydrating those that
 * were passivated or are left from before a restart), and the children they spawned.
 */
export const makeTaskRegistry = (state: SupervisorState) => {
  const { journal, tasks } = state

  /** A task in memory, with its actor started; not yet registered. */
  const newLiveTask = (fields: LiveTaskFields): LiveTask => ({
    id: fields.id,
    agent: fields.agent,
    sessionId: fields.sessionId,
    parentId: fields.parentId,
    rootId: fields.rootId,
    priority: fields.priority,
    waitingTimeoutMs: fields.waitingTimeoutMs,
    owner: fields.owner,
    actor: startTaskActor(fields.snapshot, fields.maxAttempts, state.options.inspect, fields.id),
    lock: Semaphore.makeUnsafe(1),
    waiter: undefined,
    pendingAnswer: undefined,
    pendingApproval: undefined,
    children: fields.children,
    holdsSlot: false,
    interrupted: false,
    retryAt: undefined
  })

  /** Brings a task back into memory from its record (after a restart, or a passivated wait). */
  const rehydrate = (taskRecord: TaskRecord) =>
    Effect.gen(function* () {
      const existing = tasks.get(taskRecord.id)
      if (existing !== undefined) return existing
      const snapshot = yield* Effect.try({
        try: () => restoreTaskSnapshot(taskRecord),
        catch: (error) =>
          new JournalError({
            reason: "Corrupt",
            detail: `the record cannot be restored: ${String(error)}`,
            taskId: taskRecord.id
          })
      })
      const task = newLiveTask({
        id: taskRecord.id,
        agent: state.agents.get(taskRecord.agentId) ?? missingAgent(taskRecord.agentId),
        sessionId: taskRecord.sessionId,
        parentId: taskRecord.parentId,
        rootId: taskRecord.rootId,
        priority: taskRecord.priority,
        waitingTimeoutMs: taskRecord.waitingTimeoutMs,
        owner: ownerFromRecord(taskRecord),
        maxAttempts: taskRecord.maxAttempts,
        snapshot,
        // Only a running or waiting task can have spawned children; theirs are read when needed.
        children: taskRecord.status === "running" || taskRecord.status === "waiting" ? undefined : []
      })
      tasks.set(task.id, task)
      return task
    })

  /**
   * The live task for an id, rehydrating it if needed; `undefined` when it has ended or does not exist. The
   * runtime's own steps wait out a transiently failing journal; a caller's read fails at once.
   */
  const liveTask = (taskId: TaskId, patience: Patience = state.callerPatience) =>
    Effect.gen(function* () {
      const live = tasks.get(taskId)
      if (live !== undefined) return live
      const load = journal.loadTask(taskId)
      const stored = yield* patience === "until-stored" ? state.writer.persist(load) : load
      if (Option.isNone(stored) || isTerminalStatus(stored.value.status)) return undefined
      return yield* rehydrate(stored.value)
    }).pipe(Effect.mapError(unavailable))

  const childrenFromHistory = (taskId: TaskId) =>
    journal
      .readTask(taskId, 0)
      .pipe(
        Effect.map((history) =>
          history.flatMap((envelope) => (envelope.event.type === "child_spawned" ? [envelope.event.childId] : []))
        )
      )

  /**
   * The children a task spawned, in order. A rehydrated task reads them from its history the first time
   * they are needed (its agent re-runs, or it waits for them), not when it is rehydrated: recovering
   * thousands of tasks that never spawned anything read every one's whole history for nothing.
   */
  const childrenOf = (task: LiveTask): Effect.Effect<Array<TaskId>, JournalError> =>
    task.children !== undefined
      ? Effect.succeed(task.children)
      : Effect.map(childrenFromHistory(task.id), (fromHistory) => {
          task.children ??= fromHistory
          return task.children
        })

  return { newLiveTask, rehydrate, liveTask, childrenOf }
}

export type TaskRegistry = ReturnType<typeof makeTaskRegistry>
