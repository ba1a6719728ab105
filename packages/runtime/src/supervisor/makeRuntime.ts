import {
  AgentNotFound,
  type AuthorizationContext,
  Forbidden,
  type HealthCheck,
  type HealthState,
  InvalidRequest,
  InvalidTransition,
  type JsonValue,
  makeDecoder,
  makeTaskId,
  Overloaded,
  PageRequest,
  PROTOCOL_VERSION,
  type Principal,
  type PrincipalId,
  SubmitRequest,
  systemPrincipalId,
  type TaskEvent,
  type TaskEventEnvelope,
  TaskFilter,
  TaskId,
  TaskNotFound,
  type TaskRecord,
  type TaskStatus,
  Unavailable,
  validateWorkflow,
  WorkflowDefinition
} from "@coderclaw/protocol"
import { decide, restoreTaskSnapshot, statusOf, type TaskCommand, type TaskSnapshot } from "@coderclaw/task-machine"
import { Cause, Clock, Deferred, Effect, Exit, FiberMap, FiberSet, Option, Result, Schema, Semaphore } from "effect"
import type { AgentContext } from "../agent/AgentContext.js"
import { AgentFailure } from "../agent/AgentFailure.js"
import type { AgentDefinition } from "../agent/defineAgent.js"
import type { SkillScope } from "../agent/defineSkill.js"
import { SkillError } from "../agent/SkillError.js"
import { Authorizer, type RuntimeAction } from "../authorization/Authorizer.js"
import { EventHub } from "../events/EventHub.js"
import { Journal, type PendingEvent } from "../journal/Journal.js"
import { JournalError } from "../journal/JournalError.js"
import { projectTaskRecord } from "../journal/projectTaskRecord.js"
import type { RuntimeShape } from "../Runtime.js"
import {
  defaultIdempotencyWindowMs,
  defaultJournalRetryPolicy,
  defaultJournalWaitMs,
  defaultRetryPolicy,
  type RuntimeOptions,
  retryDelayMs
} from "../RuntimeOptions.js"
import { TaskQueue } from "../scheduling/TaskQueue.js"
import { makeEventLoopLag } from "../status/EventLoopLag.js"
import { journalIntegrityCheck } from "../status/journalIntegrityCheck.js"
import { RUNTIME_VERSION } from "../version.js"
import { workflowAgentId } from "../workflowAgentId.js"
import { approvalSummary } from "./approvalSummary.js"
import { makeJournalWriter, type Patience } from "./journalWriter.js"
import { type LiveTask, ownerFromRecord } from "./LiveTask.js"
import { refusedPathsWith } from "./refusedPaths.js"
import { requestFingerprint } from "./requestFingerprint.js"
import { makeSubscriptions } from "./subscriptions.js"
import { decideCommand, sendDecided, startTaskActor } from "./taskActor.js"

const decodeSubmit = makeDecoder(SubmitRequest, "submit request")
const decodeFilter = makeDecoder(TaskFilter, "task filter")
const decodePage = makeDecoder(PageRequest, "page request")
const decodeTaskId = makeDecoder(TaskId, "task id")
const decodeJson = makeDecoder(Schema.Json, "input")
const decodeWorkflow = makeDecoder(WorkflowDefinition, "workflow")

const activeStatuses: ReadonlyArray<TaskStatus> = ["pending", "planning", "running", "waiting"]
const isFinal = (status: TaskStatus) => status === "completed" || status === "failed" || status === "cancelled"

const scheduler = systemPrincipalId("scheduler")
const recovery = systemPrincipalId("recovery")
const deadlines = systemPrincipalId("deadline")
const agentPrincipal = (agentId: string): PrincipalId => `agent:${agentId}`
/** Steps the runtime takes itself (scheduler, recovery, deadlines, agents) wait for the journal for ever. */
const isRuntimeStep = (causedBy: PrincipalId) => causedBy.startsWith("system:") || causedBy.startsWith("agent:")
const planCommand: TaskCommand = { type: "plan" }
const interruptedError = { code: "INTERRUPTED", message: "the runtime stopped while this attempt ran" }
const startCommand: TaskCommand = { type: "start" }

const fromResult = <A, E>(result: Result.Result<A, E>): Effect.Effect<A, E> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)

const unavailable = (error: JournalError) => new Unavailable({ reason: error.message })

/** The failure recorded for an attempt that ended with `cause`. */
const failureOf = (cause: Cause.Cause<unknown>): AgentFailure => {
  const error = Cause.squash(cause)
  if (error instanceof AgentFailure) return error
  const message = error instanceof Error ? error.message : String(error)
  return new AgentFailure({ code: "AGENT_ERROR", message: message.slice(0, 4_000) || "the agent failed" })
}

/**
 * Builds the runtime: state, recovery of unfinished tasks, and the service's calls. Runs inside the
 * runtime layer's scope, which owns every agent fiber and timer, and shuts the runtime down when closed.
 */
export const makeRuntime = Effect.fnUntraced(function* (options: RuntimeOptions) {
  const journal = yield* Journal
  const authorizer = yield* Authorizer
  const agents = new Map(options.agents.map((agent) => [agent.descriptor.id, agent]))
  const skills = new Map((options.skills ?? []).map((skill) => [skill.descriptor.id, skill]))
  const maxConcurrent = options.maxConcurrentTasks ?? 16
  const maxQueued = options.maxQueued ?? 10_000
  const defaultMaxAttempts = options.defaultMaxAttempts ?? 3
  const retryPolicy = options.retry ?? defaultRetryPolicy
  const idempotencyWindowMs = options.idempotencyWindowMs ?? defaultIdempotencyWindowMs
  const nodeId = options.nodeId ?? `node-${makeTaskId().slice(-12)}`

  const tasks = new Map<TaskId, LiveTask>()
  const queue = new TaskQueue()
  const agentSlots = new Map<string, number>()
  let slotsInUse = 0
  let accepting = true
  let closed = false

  const hub = new EventHub(yield* journal.lastPosition, options.subscriberBuffer ?? 1_024)
  const fibers = yield* FiberMap.make<TaskId>()
  const timers = yield* FiberMap.make<string>()
  const handlers = yield* FiberSet.make()
  const lag = yield* makeEventLoopLag
  const startedAt = yield* Clock.currentTimeMillis

  // ── journal and actors ──────────────────────────────────────────────────────────────────────────

  const writer = makeJournalWriter(journal, hub, options.journalRetry ?? defaultJournalRetryPolicy)
  const callerPatience: Patience = { waitMs: options.journalWaitMs ?? defaultJournalWaitMs }
  /** How long a step caused by `causedBy` waits for a failing journal: callers get a bounded wait. */
  const patienceOf = (causedBy: PrincipalId): Patience => (isRuntimeStep(causedBy) ? "until-stored" : callerPatience)

  /** Appends and then publishes, each attempt one step that cannot be cut in half by interruption. */
  const record = (pending: ReadonlyArray<PendingEvent>, patience: Patience) => writer.append(pending, patience)
  /** A read or write of the runtime's own that waits out transient journal failures. */
  const persist = writer.persist

  const newActor = (
    taskId: TaskId,
    snapshot: ReturnType<typeof restoreTaskSnapshot> | undefined,
    maxAttempts: number
  ) => startTaskActor(snapshot, maxAttempts, options.inspect, taskId)

  const rejection = (
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
   * Why a command is refused for a task that is no longer live. Decided against the record as stored
   * now, not as the caller first read it: the task may have ended while the call was being authorized.
   */
  const refusedNow = (taskId: TaskId, command: TaskCommand) =>
    Effect.gen(function* () {
      const stored = yield* journal.loadTask(taskId).pipe(Effect.mapError(unavailable))
      if (Option.isNone(stored)) return yield* new TaskNotFound({ taskId })
      const decision = decide(restoreTaskSnapshot(stored.value), command)
      const error =
        decision._tag === "Rejected"
          ? decision.error
          : { from: stored.value.status, to: stored.value.status, event: command.type, detail: "the task is not live" }
      return yield* rejection(taskId, error)
    })

  // ── slots and the queue ─────────────────────────────────────────────────────────────────────────

  const takeSlot = (task: LiveTask) => {
    if (task.holdsSlot) return
    task.holdsSlot = true
    slotsInUse++
    agentSlots.set(task.agent.descriptor.id, (agentSlots.get(task.agent.descriptor.id) ?? 0) + 1)
  }
  const releaseSlot = (task: LiveTask) => {
    if (!task.holdsSlot) return
    task.holdsSlot = false
    slotsInUse--
    agentSlots.set(task.agent.descriptor.id, (agentSlots.get(task.agent.descriptor.id) ?? 1) - 1)
  }
  const agentMayRun = (agentId: string) => {
    const limit = agents.get(agentId)?.descriptor.maxConcurrent
    return limit === undefined || (agentSlots.get(agentId) ?? 0) < limit
  }

  /** Starts queued tasks while slots are free. */
  const drain: Effect.Effect<void> = Effect.suspend(() => {
    const starting: Array<LiveTask> = []
    while (accepting && slotsInUse < maxConcurrent) {
      const id = queue.take(agentMayRun)
      if (id === undefined) break
      const task = tasks.get(id)
      if (task === undefined) continue
      takeSlot(task)
      starting.push(task)
    }
    return Effect.forEach(starting, (task) => FiberSet.run(handlers, dispatch(task)), { discard: true })
  })

  // ── applying commands ───────────────────────────────────────────────────────────────────────────

  /**
   * Decides a command against the task's actor, journals the resulting events, and only then applies it to
   * the actor: the journal is the truth, and of two commands racing on one task the first to take the
   * task's lock wins. The whole step is uninterruptible so the actor never falls behind the journal.
   * Reactions that take other tasks' locks (cancelling children) never wait for this task's lock, and
   * parents are resumed from a separate fiber, so locks are only ever taken downwards.
   */
  const apply = (
    task: LiveTask,
    command: TaskCommand,
    causedBy: PrincipalId,
    /** Events of other tasks to journal in the same atomic append, before this task's (a child's `created`). */
    alongside: ReadonlyArray<PendingEvent> = []
  ) => applyAll(task, [command], causedBy, alongside)

  /**
   * `apply` for consecutive commands taken as one step: decided one after the other, journalled in one
   * atomic append, applied in order. All or nothing: if one is refused, none is journalled or applied.
   */
  const applyAll = (
    task: LiveTask,
    commands: ReadonlyArray<TaskCommand>,
    causedBy: PrincipalId,
    alongside: ReadonlyArray<PendingEvent> = []
  ) => Effect.uninterruptible(task.lock.withPermits(1)(applyStep(task, commands, causedBy, alongside)))

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
    const stored = yield* record(pending, patienceOf(causedBy))
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

  /** What follows a status change: slots, timers, the end of a task. */
  const react = (task: LiveTask, from: TaskStatus, to: TaskStatus, at: number): Effect.Effect<void> => {
    // Planning and starting (every task does both) only let the queue move on.
    if (to !== "waiting" && from !== "waiting" && !isFinal(to)) return drain
    return reactToMove(task, from, to, at)
  }

  const reactToMove = Effect.fnUntraced(function* (task: LiveTask, from: TaskStatus, to: TaskStatus, at: number) {
    if (to === "waiting") {
      releaseSlot(task)
      if (task.waitingTimeoutMs !== undefined) yield* armWaitingDeadline(task, at + task.waitingTimeoutMs)
    }
    if (from === "waiting" && to === "running") {
      yield* FiberMap.remove(timers, `${task.id}:waiting`)
      takeSlot(task)
    }
    if (isFinal(to)) yield* finish(task, to)
    yield* drain
  })

  /** A task reached a final status: free everything it held and tell its parent. */
  const finish = Effect.fnUntraced(function* (task: LiveTask, to: TaskStatus) {
    releaseSlot(task)
    queue.remove(task.id)
    tasks.delete(task.id)
    task.actor.stop()
    yield* FiberMap.remove(timers, `${task.id}:deadline`)
    yield* FiberMap.remove(timers, `${task.id}:waiting`)
    if (to === "cancelled" || to === "failed") yield* cancelChildren(task.id, `parent task ${to}`)
    if (task.parentId !== undefined) yield* FiberSet.run(handlers, settleParentIfReady(task.parentId))
  })

  // ── rehydration ─────────────────────────────────────────────────────────────────────────────────

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

  /** Brings a task back into memory from its record (after a restart, or a passivated wait). */
  const rehydrate = (taskRecord: TaskRecord) =>
    Effect.gen(function* () {
      const existing = tasks.get(taskRecord.id)
      if (existing !== undefined) return existing
      const agent = agents.get(taskRecord.agentId)
      const snapshot = yield* Effect.try({
        try: () => restoreTaskSnapshot(taskRecord),
        catch: (error) =>
          new JournalError({
            reason: "Corrupt",
            detail: `the record cannot be restored: ${String(error)}`,
            taskId: taskRecord.id
          })
      })
      const task: LiveTask = {
        id: taskRecord.id,
        agent: agent ?? missingAgent(taskRecord.agentId),
        sessionId: taskRecord.sessionId,
        parentId: taskRecord.parentId,
        rootId: taskRecord.rootId,
        priority: taskRecord.priority,
        waitingTimeoutMs: taskRecord.waitingTimeoutMs,
        owner: ownerFromRecord(taskRecord),
        actor: newActor(taskRecord.id, snapshot, taskRecord.maxAttempts),
        lock: Semaphore.makeUnsafe(1),
        waiter: undefined,
        pendingAnswer: undefined,
        pendingApproval: undefined,
        // Only a running or waiting task can have spawned children; theirs are read when needed.
        children: taskRecord.status === "running" || taskRecord.status === "waiting" ? undefined : [],
        holdsSlot: false,
        interrupted: false,
        retryAt: undefined
      }
      tasks.set(task.id, task)
      return task
    })

  /** An agent that is not registered on this node any more: its tasks fail instead of hanging. */
  const missingAgent = (agentId: string): AgentDefinition => ({
    descriptor: { id: agentId, name: agentId, description: "not registered", capabilities: [], skills: [] },
    run: () =>
      Effect.fail(
        new AgentFailure({ code: "AGENT_UNAVAILABLE", message: `agent ${agentId} is not registered`, retryable: false })
      )
  })

  /**
   * The live task for an id, rehydrating it if needed; `undefined` when it has ended or does not exist. The
   * runtime's own steps wait out a transiently failing journal; a caller's read fails at once.
   */
  const liveTask = (taskId: TaskId, patience: Patience = callerPatience) =>
    Effect.gen(function* () {
      const live = tasks.get(taskId)
      if (live !== undefined) return live
      const load = journal.loadTask(taskId)
      const stored = yield* patience === "until-stored" ? persist(load) : load
      if (Option.isNone(stored) || isFinal(stored.value.status)) return undefined
      return yield* rehydrate(stored.value)
    }).pipe(Effect.mapError(unavailable))

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
      if (tasks.get(task.id) === task) tasks.delete(task.id)
      releaseSlot(task)
      queue.remove(task.id)
      task.actor.stop()
      yield* FiberMap.remove(timers, `${task.id}:deadline`)
      yield* FiberMap.remove(timers, `${task.id}:waiting`)
      yield* drain
    })

  /** A runtime step that could not even read its task: logged, and reported by health through the journal. */
  const logLost = (what: string) => (error: Unavailable | JournalError) =>
    Effect.logError(`${what}: ${error instanceof JournalError ? error.message : error.reason}`)

  // ── deadlines ───────────────────────────────────────────────────────────────────────────────────

  const armDeadline = (key: string, at: number, onExpiry: Effect.Effect<void>) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      yield* FiberMap.run(
        timers,
        key,
        Effect.sleep(Math.max(0, at - now)).pipe(Effect.andThen(FiberSet.run(handlers, onExpiry)))
      )
    })

  const armTaskDeadline = (task: LiveTask, at: number) =>
    armDeadline(
      `${task.id}:deadline`,
      at,
      failTask(task.id, { code: "TIMEOUT", message: "the task did not finish before its deadline" })
    )

  const armWaitingDeadline = (task: LiveTask, at: number) =>
    armDeadline(
      `${task.id}:waiting`,
      at,
      failTask(task.id, { code: "TIMEOUT", message: "the task waited longer than its waiting timeout" })
    )

  /** Stops a task's work and fails it (deadlines). Loses quietly if the task ended meanwhile. */
  const failTask = (taskId: TaskId, error: { code: string; message: string }) =>
    Effect.gen(function* () {
      const task = yield* liveTask(taskId, "until-stored")
      if (task === undefined) return
      yield* FiberMap.remove(fibers, taskId)
      yield* apply(task, { type: "fail", error }, deadlines).pipe(
        Effect.catchTag("InvalidTransition", () => Effect.void),
        Effect.catchTag("Unavailable", (refused) => evict(task, refused))
      )
    }).pipe(Effect.catchTag("Unavailable", logLost(`task ${taskId}: the deadline could not be applied`)))

  // ── running agents ──────────────────────────────────────────────────────────────────────────────

  /**
   * Moves a task that got a slot into `running` and starts its agent. Planning and starting are one step
   * (one lock, one append): nothing happens to a task between the two.
   */
  const dispatch = (task: LiveTask) =>
    dispatchStep(task).pipe(
      // Refused: the task moved on meanwhile (cancelled or failed), and that move released its slot.
      Effect.catchTag("InvalidTransition", () => Effect.void),
      Effect.catchTag("Unavailable", (refused) => evict(task, refused))
    )

  const dispatchStep = Effect.fnUntraced(function* (task: LiveTask) {
    const status = statusOf(task.actor.getSnapshot())
    if (status === "pending") yield* applyAll(task, [planCommand, startCommand], scheduler)
    else if (status === "planning") yield* apply(task, startCommand, scheduler)
    if (statusOf(task.actor.getSnapshot()) === "running") yield* startAgent(task)
  })

  const startAgent = (task: LiveTask) => FiberMap.run(fibers, task.id, runAttempts(task)).pipe(Effect.asVoid)

  /**
   * Runs the agent, attempt after attempt, and records how it ended. Nothing the journal says is skipped:
   * a refused end (the task was cancelled or timed out meanwhile) stops here; a journal that refuses for
   * good evicts the task (transient failures were retried until stored).
   */
  const runAttempts = (task: LiveTask): Effect.Effect<void> =>
    attempts(task).pipe(
      Effect.catchTag("InvalidTransition", () => Effect.void),
      Effect.catchTag("Unavailable", (refused) => evict(task, refused)),
      Effect.catchTag("JournalError", (refused) => evict(task, unavailable(refused)))
    )

  const attempts = Effect.fnUntraced(function* (task: LiveTask) {
    const stored = yield* persist(journal.loadTask(task.id))
    if (Option.isNone(stored)) return
    const input = stored.value.input
    const byAgent = agentPrincipal(task.agent.descriptor.id)
    if (task.retryAt !== undefined) {
      const wait = task.retryAt - (yield* Clock.currentTimeMillis)
      task.retryAt = undefined
      if (wait > 0) yield* Effect.sleep(wait)
    }
    if (task.interrupted) {
      // Recorded now, as the re-run starts, not when the task was recovered: a crash in between must not
      // use up an attempt that never ran.
      task.interrupted = false
      yield* apply(task, { type: "attempt_failed", error: interruptedError, retryInMs: 0 }, recovery)
    }
    for (;;) {
      const checkpoint = yield* persist(journal.loadCheckpoint(task.id))
      const { attempt, maxAttempts } = task.actor.getSnapshot().context
      const exit = yield* Effect.exit(
        task.agent.run(input, agentContext(task, attempt, Option.getOrUndefined(checkpoint)))
      )
      if (Exit.isSuccess(exit)) {
        yield* apply(task, { type: "complete", result: exit.value }, byAgent)
        return
      }
      const failure = failureOf(exit.cause)
      const error = { code: failure.code, message: failure.message }
      if (failure.retryable !== false && attempt < maxAttempts) {
        const retryInMs = retryDelayMs(retryPolicy, attempt)
        yield* apply(task, { type: "attempt_failed", error, retryInMs }, byAgent)
        yield* Effect.sleep(retryInMs)
        continue
      }
      yield* apply(task, { type: "fail", error }, byAgent)
      return
    }
  })

  /** Applies a command on behalf of the agent; if the task refuses (it ended), the agent is stopped. */
  const agentApply = (task: LiveTask, command: TaskCommand) =>
    apply(task, command, agentPrincipal(task.agent.descriptor.id)).pipe(
      Effect.catchTag("InvalidTransition", () => Effect.interrupt),
      Effect.orDie,
      Effect.asVoid
    )

  /** What both an agent and the skills it calls use to report on the task: progress, outputs, logs. */
  const reportersOf = (task: LiveTask): Pick<AgentContext, "progress" | "output" | "log"> => ({
    progress: (percent, message) =>
      agentApply(task, { type: "progress", percent, ...(message === undefined ? {} : { message }) }),
    output: (name, value, mimeType) =>
      agentApply(task, { type: "output", name, value, ...(mimeType === undefined ? {} : { mimeType }) }),
    log: (level, message) => agentApply(task, { type: "log", level, message })
  })

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
    yield* agentApply(task, { type: "request_input", prompt, ...(schema === undefined ? {} : { schema }) })
    if (options.passivateWaiting) return yield* passivate(task)
    return yield* Deferred.await(answer)
  })

  const agentContext = (task: LiveTask, attempt: number, checkpoint: JsonValue | undefined): AgentContext => {
    let spawned = 0
    return {
      taskId: task.id,
      attempt,
      owner: task.owner,
      checkpoint,
      ...reportersOf(task),
      artifact: (artifact) => agentApply(task, { type: "artifact", ...artifact }),
      saveCheckpoint: (data) => persist(journal.saveCheckpoint(task.id, data)).pipe(Effect.orDie),
      askInput: (prompt, schema) => askInput(task, prompt, schema),
      spawn: (request) =>
        Effect.gen(function* () {
          const index = spawned++
          const children = yield* persist(childrenOf(task)).pipe(Effect.orDie)
          const replayed = children[index]
          if (replayed !== undefined) return replayed
          const byAgent = agentPrincipal(task.agent.descriptor.id)
          const child = yield* submitTask(
            task.owner,
            { ...request, parentId: task.id, sessionId: task.sessionId },
            (created) =>
              apply(task, { type: "spawn_child", childId: created.taskId, agentId: String(request.agentId) }, byAgent, [
                created
              ])
          ).pipe(Effect.catchTag("InvalidTransition", () => Effect.interrupt))
          children.push(child.id)
          return child.id
        }),
      awaitChildren: (childIds, awaitOptions) =>
        Effect.gen(function* () {
          const ids = childIds ?? [...(yield* persist(childrenOf(task)).pipe(Effect.orDie))]
          const until = awaitOptions?.until ?? "all"
          const current = yield* loadRecords(ids)
          if (childrenReady(current, until)) return current
          const settled = yield* Deferred.make<ReadonlyArray<TaskRecord>>()
          task.waiter = { kind: "children", childIds: ids, until, settled }
          yield* agentApply(task, { type: "await_children" })
          // A child may have ended between the check above and the move to waiting.
          yield* settleParentIfReady(task.id)
          if (options.passivateWaiting && task.waiter !== undefined) return yield* passivate(task)
          return yield* Deferred.await(settled)
        }),
      callSkill: (skillId, skillInput, scope) => callSkill(task, skillId, skillInput, scope)
    }
  }

  /** Drops a waiting task from memory; it is rehydrated, and its agent re-run, when it resumes. */
  const passivate = (task: LiveTask) =>
    Effect.gen(function* () {
      task.waiter = undefined
      tasks.delete(task.id)
      task.actor.stop()
      return yield* Effect.interrupt
    })

  const childrenReady = (children: ReadonlyArray<TaskRecord>, until: "all" | "any") =>
    children.length === 0 ||
    (until === "all"
      ? children.every((child) => isFinal(child.status))
      : children.some((child) => isFinal(child.status)))

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

  /** Resumes a parent waiting for children once every one of them has ended. */
  const settleParentIfReady = (parentId: TaskId): Effect.Effect<void> =>
    Effect.gen(function* () {
      const parent = yield* liveTask(parentId, "until-stored")
      if (parent === undefined) return
      const snapshot = parent.actor.getSnapshot()
      if (statusOf(snapshot) !== "waiting" || snapshot.context.waitingFor !== "children") return
      const waiter = parent.waiter
      const ids = waiter?.kind === "children" ? waiter.childIds : yield* persist(childrenOf(parent))
      const children = yield* loadRecords(ids)
      // A rehydrated parent has no waiter to say what it waits for: re-running its agent when any child
      // ends is always safe, because the agent waits again if what it needs has not happened yet.
      if (!childrenReady(children, waiter?.kind === "children" ? waiter.until : "any")) return
      const settled = yield* apply(parent, { type: "children_settled" }, scheduler).pipe(
        Effect.as(true),
        // Refused: the parent moved on meanwhile (cancelled, timed out, or already resumed).
        Effect.catchTag("InvalidTransition", () => Effect.succeed(false)),
        Effect.catchTag("Unavailable", (refused) => Effect.as(evict(parent, refused), false))
      )
      if (!settled) return
      if (waiter?.kind === "children") {
        parent.waiter = undefined
        yield* Deferred.succeed(waiter.settled, children)
      } else {
        yield* startAgent(parent)
      }
    }).pipe(
      Effect.catchTag("Unavailable", logLost(`task ${parentId}: its children could not be checked`)),
      Effect.catchTag("JournalError", logLost(`task ${parentId}: its children could not be checked`))
    )

  const callSkill = (task: LiveTask, skillId: string, skillInput: JsonValue, scope: SkillScope | undefined) =>
    Effect.gen(function* () {
      if (!task.agent.descriptor.skills.includes(skillId)) {
        return yield* new SkillError({
          reason: "NotAllowed",
          skillId,
          detail: `agent ${task.agent.descriptor.id} does not list this skill`
        })
      }
      const skill = skills.get(skillId)
      if (skill === undefined) {
        return yield* new SkillError({ reason: "Unknown", skillId, detail: "no skill with this id is registered" })
      }
      const context = {
        taskOwner: task.owner.id,
        taskSession: task.sessionId,
        agentId: task.agent.descriptor.id,
        skillId,
        dangerous: skill.descriptor.dangerous,
        skillPermissions: skill.descriptor.permissions,
        ...scope
      }
      const grant = yield* authorizer
        .authorize({ principal: task.owner, action: "skill:execute", resource: `skill/${skillId}`, context })
        .pipe(
          Effect.mapError(
            (forbidden) => new SkillError({ reason: "Forbidden", skillId, detail: forbidden.reasons.join(", ") })
          )
        )
      if (grant.requiresApproval) yield* awaitApproval(task, skillId, skillInput, scope)
      yield* agentApply(task, { type: "log", level: "debug", message: `calling skill ${skillId}` })
      return yield* skill
        .run(skillInput, {
          taskId: task.id,
          agentId: task.agent.descriptor.id,
          principal: task.owner,
          ...(scope === undefined ? {} : { scope }),
          ...reportersOf(task),
          // Each path the skill reaches beyond its scope is decided like the call itself.
          refusedPaths: refusedPathsWith((paths) =>
            authorizer.authorize({
              principal: task.owner,
              action: "skill:execute",
              resource: `skill/${skillId}`,
              context: { ...context, paths }
            })
          )
        })
        .pipe(
          Effect.mapError(
            (error) =>
              new SkillError({
                reason: "Failed",
                skillId,
                detail: error instanceof Error ? error.message : String(error)
              })
          )
        )
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
      yield* agentApply(task, {
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

  // ── cancellation ────────────────────────────────────────────────────────────────────────────────

  /** Cancels a task: stops its agent first (so nothing more happens), then journals the cancellation. */
  const cancelTask = (taskId: TaskId, causedBy: PrincipalId, reason: string | undefined) =>
    Effect.gen(function* () {
      const task = yield* liveTask(taskId, patienceOf(causedBy))
      if (task === undefined) return false
      yield* FiberMap.remove(fibers, taskId)
      queue.remove(taskId)
      yield* apply(task, { type: "cancel", ...(reason === undefined ? {} : { reason }) }, causedBy)
      return true
    })

  /** Cancels every active child of a task (and, through them, their children). */
  const cancelChildren = (parentId: TaskId, reason: string): Effect.Effect<void> =>
    Effect.gen(function* () {
      let cursor: string | undefined
      do {
        const page = yield* persist(
          journal
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
            cancelTask(child.id, scheduler, reason).pipe(
              // Refused: the child ended meanwhile, which is what cancelling it was for.
              Effect.catchTag("InvalidTransition", () => Effect.void),
              Effect.catchTag("Unavailable", logLost(`task ${child.id}: it could not be cancelled with its parent`))
            ),
          { discard: true }
        )
        cursor = page.nextCursor
      } while (cursor !== undefined)
    }).pipe(Effect.catchTag("JournalError", logLost(`task ${parentId}: its children could not be listed`)))

  // ── caller-facing checks ────────────────────────────────────────────────────────────────────────

  const authorize = (principal: Principal, action: RuntimeAction, resource: string, context?: AuthorizationContext) =>
    authorizer.authorize({ principal, action, resource, ...(context === undefined ? {} : { context }) })

  /** The record of a task the caller may see; invisible and missing tasks are indistinguishable. */
  const visibleRecord = (principal: Principal, rawTaskId: string, action: RuntimeAction, approving = false) =>
    Effect.gen(function* () {
      const taskId = yield* fromResult(decodeTaskId(rawTaskId))
      const stored = yield* journal.loadTask(taskId).pipe(Effect.mapError(unavailable))
      if (Option.isNone(stored)) return yield* new TaskNotFound({ taskId })
      const sessions = yield* authorizer.visibleSessions(principal)
      if (sessions !== undefined && !sessions.includes(stored.value.sessionId))
        return yield* new TaskNotFound({ taskId })
      // Decided knowing whose task it is: acting on another person's task needs more than acting on one's own.
      yield* authorizer.authorize({
        principal,
        action,
        resource: `task/${taskId}`,
        context: {
          taskOwner: stored.value.owner,
          taskSession: stored.value.sessionId,
          agentId: stored.value.agentId,
          // An approval names whose call it lets run (the task's owner: its skill calls act for them), so
          // the authorizer can refuse self-approval (separation of duties).
          ...(approving ? { approvalRequestedBy: stored.value.owner } : {})
        }
      })
      return stored.value
    })

  const journalAlone = (created: PendingEvent) => record([created], callerPatience)

  const keyLocks = new Map<string, { readonly lock: Semaphore.Semaphore; users: number }>()
  /** Runs `effect` holding the lock of one idempotency key; the lock is dropped once nobody uses it. */
  const withKeyLock = <A, E>(lockId: string, effect: Effect.Effect<A, E>) =>
    Effect.suspend(() => {
      let entry = keyLocks.get(lockId)
      if (entry === undefined) {
        entry = { lock: Semaphore.makeUnsafe(1), users: 0 }
        keyLocks.set(lockId, entry)
      }
      const held = entry
      held.users++
      return held.lock
        .withPermits(1)(effect)
        .pipe(
          Effect.ensuring(
            Effect.sync(() => {
              if (--held.users === 0) keyLocks.delete(lockId)
            })
          )
        )
    })

  /**
   * Validates, authorizes and journals a new task, then queues it. `journalCreated` stores its `created`
   * event; a spawning parent passes one that appends it together with its own `child_spawned`, so a crash
   * can never leave a child its parent does not know about.
   */
  const submitTask = <E = never>(
    principal: Principal,
    raw: unknown,
    journalCreated: (
      created: PendingEvent
    ) => Effect.Effect<ReadonlyArray<TaskEventEnvelope>, Unavailable | E> = journalAlone
  ) =>
    Effect.gen(function* () {
      if (!accepting) return yield* new Unavailable({ reason: "the runtime is shutting down" })
      const request = yield* fromResult(decodeSubmit(raw))
      const agent = agents.get(request.agentId)
      if (agent === undefined) return yield* new AgentNotFound({ agentId: request.agentId })
      const onAgent = { agentId: agent.descriptor.id }
      yield* authorize(principal, "task:submit", `agent/${agent.descriptor.id}`, onAgent)
      yield* authorize(principal, "agent:invoke", `agent/${agent.descriptor.id}`, onAgent)
      const parent =
        request.parentId === undefined ? undefined : yield* visibleRecord(principal, request.parentId, "task:read")
      const sessionId = request.sessionId ?? parent?.sessionId ?? principal.sessionId
      if (sessionId !== principal.sessionId) {
        const sessions = yield* authorizer.visibleSessions(principal)
        if (sessions !== undefined && !sessions.includes(sessionId)) {
          return yield* new Forbidden({
            action: "task:submit",
            resource: `session/${sessionId}`,
            reasons: ["the session is not visible to the caller"]
          })
        }
      }
      const create = (id: TaskId) =>
        Effect.gen(function* () {
          if (queue.size >= maxQueued) {
            return yield* new Overloaded({ queued: queue.size, limit: maxQueued, retryAfterMs: 1_000 })
          }
          const at = yield* Clock.currentTimeMillis
          const maxAttempts = request.maxAttempts ?? defaultMaxAttempts
          const created: TaskEvent = {
            type: "created",
            agentId: agent.descriptor.id,
            description: request.description,
            input: request.input ?? null,
            ...(parent === undefined ? {} : { parentId: parent.id }),
            rootId: parent?.rootId ?? id,
            sessionId,
            owner: principal.id,
            ownerPrincipal: principal,
            priority: request.priority ?? 0,
            maxAttempts,
            ...(request.timeoutMs === undefined ? {} : { deadline: at + request.timeoutMs }),
            ...(request.waitingTimeoutMs === undefined ? {} : { waitingTimeoutMs: request.waitingTimeoutMs }),
            metadata: request.metadata ?? {}
          }
          const task: LiveTask = {
            id,
            agent,
            sessionId,
            parentId: parent?.id,
            rootId: parent?.rootId ?? id,
            priority: request.priority ?? 0,
            waitingTimeoutMs: request.waitingTimeoutMs,
            owner: principal,
            actor: newActor(id, undefined, maxAttempts),
            lock: Semaphore.makeUnsafe(1),
            waiter: undefined,
            pendingAnswer: undefined,
            pendingApproval: undefined,
            children: [],
            holdsSlot: false,
            interrupted: false,
            retryAt: undefined
          }
          tasks.set(id, task)
          const stored = yield* journalCreated({ taskId: id, seq: 1, at, causedBy: principal.id, event: created }).pipe(
            Effect.tapError(() =>
              Effect.sync(() => {
                tasks.delete(id)
                task.actor.stop()
              })
            )
          )
          const createdEnvelope = stored.find((envelope) => envelope.taskId === id && envelope.seq === 1)
          const taskRecord = projectTaskRecord(undefined, createdEnvelope as TaskEventEnvelope)
          if (taskRecord instanceof JournalError) return yield* Effect.die(taskRecord)
          queue.push(id, agent.descriptor.id, taskRecord.priority)
          if (request.timeoutMs !== undefined) yield* armTaskDeadline(task, at + request.timeoutMs)
          yield* drain
          return taskRecord
        })
      if (request.idempotencyKey === undefined) return yield* create(makeTaskId())
      const key = request.idempotencyKey
      const fingerprint = requestFingerprint(request, sessionId)
      // One keyed submit at a time per owner and key, from the claim to the stored `created` event.
      return yield* withKeyLock(
        `${principal.id}\n${key}`,
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const claim = {
            owner: principal.id,
            key,
            taskId: makeTaskId(),
            fingerprint,
            expiresAt: now + idempotencyWindowMs
          }
          const held = yield* writer
            .persist(journal.claimIdempotencyKey(claim, now), callerPatience)
            .pipe(Effect.mapError(unavailable))
          if (held.fingerprint !== fingerprint) {
            return yield* new InvalidRequest({
              what: "submit request",
              issues: [
                {
                  path: ["idempotencyKey"],
                  message: `already used for a different request (task ${held.taskId}); use a new key for a new request`
                }
              ]
            })
          }
          const existing = yield* journal.loadTask(held.taskId).pipe(Effect.mapError(unavailable))
          if (Option.isSome(existing)) return existing.value
          // Claimed, but the task was never stored (that submit failed or the runtime stopped): create it now,
          // under the id claimed.
          return yield* create(held.taskId)
        })
      )
    })

  // ── recovery ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Brings back every unfinished task after a start: pending and planning tasks are queued again, running
   * ones restart their agent from its last checkpoint as a new attempt, waiting ones keep waiting (and
   * resume at once if what they waited for happened while the runtime was down).
   */
  const recover = Effect.gen(function* () {
    const unfinished = yield* journal.activeTasks
    const live: Array<readonly [TaskRecord, LiveTask]> = []
    for (const stored of unfinished) {
      const task = yield* rehydrate(stored)
      if (stored.deadline !== undefined) yield* armTaskDeadline(task, stored.deadline)
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
    yield* drain
  })

  /**
   * When a running task's last event is a failed attempt whose back-off had not ended by now, the next
   * attempt certainly had not started before the stop: the time it may start. Otherwise `undefined`.
   */
  const pendingRetryAt = (stored: TaskRecord): Effect.Effect<number | undefined> =>
    stored.attempt <= 1
      ? Effect.succeed(undefined)
      : Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const [last] = yield* persist(journal.readTask(stored.id, stored.lastSeq - 1))
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
          return yield* apply(task, { type: "fail", error: interruptedError }, recovery).pipe(
            Effect.as(false),
            Effect.catchTag("InvalidTransition", () => Effect.succeed(false)),
            Effect.catchTag("Unavailable", (refused) => Effect.as(evict(task, refused), false))
          )
        })
      case "waiting":
        return Effect.gen(function* () {
          if (stored.waitingDeadline !== undefined) yield* armWaitingDeadline(task, stored.waitingDeadline)
          if (stored.waitingFor === "children") yield* settleParentIfReady(task.id)
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

  yield* recover

  const subscriptions = makeSubscriptions({
    journal,
    hub,
    authorizer,
    visibleRecord,
    liveTask: (taskId) => tasks.get(taskId),
    isClosed: () => closed
  })

  // ── shutdown ────────────────────────────────────────────────────────────────────────────────────

  const shutdownDone = Deferred.makeUnsafe<void>()
  let shutdownStarted = false
  const busy = () =>
    [...tasks.values()].some((task) => {
      const status = statusOf(task.actor.getSnapshot())
      return status === "planning" || status === "running"
    })
  /** Stops accepting, waits for running attempts up to the grace period, then interrupts what is left. */
  const shutdown = (graceMs = options.shutdownGraceMs ?? 5_000): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (shutdownStarted) return Deferred.await(shutdownDone)
      shutdownStarted = true
      accepting = false
      return Effect.gen(function* () {
        yield* Effect.gen(function* () {
          while (busy()) yield* Effect.sleep(10)
        }).pipe(Effect.timeoutOption(graceMs))
        yield* FiberMap.clear(fibers)
        yield* FiberMap.clear(timers)
        yield* FiberSet.clear(handlers)
        closed = true
        hub.wakeAll()
        for (const task of tasks.values()) task.actor.stop()
        tasks.clear()
      }).pipe(Effect.ensuring(Deferred.succeed(shutdownDone, undefined)))
    })
  yield* Effect.addFinalizer(() => shutdown())

  // ── the service ─────────────────────────────────────────────────────────────────────────────────

  const runtime: RuntimeShape = {
    submit: (principal, request) => submitTask(principal, request),
    get: (principal, taskId) => visibleRecord(principal, taskId, "task:read"),
    list: (principal, filter, page) =>
      Effect.gen(function* () {
        const decodedFilter = yield* fromResult(decodeFilter(filter ?? {}))
        const decodedPage = yield* fromResult(decodePage(page ?? {}))
        yield* authorize(principal, "task:read", "tasks")
        const sessions = yield* authorizer.visibleSessions(principal)
        return yield* journal
          .listTasks({ filter: decodedFilter, sessions }, decodedPage)
          .pipe(Effect.catchTag("JournalError", (error) => Effect.fail(unavailable(error))))
      }),
    cancel: (principal, taskId, reason) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:cancel")
        const command: TaskCommand = { type: "cancel", ...(reason === undefined ? {} : { reason }) }
        const cancelled = yield* cancelTask(stored.id, principal.id, reason)
        if (!cancelled) return yield* refusedNow(stored.id, command)
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    provideInput: (principal, taskId, rawInput) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:input")
        const input = yield* fromResult(decodeJson(rawInput))
        const command: TaskCommand = { type: "provide_input", input }
        const task = yield* liveTask(stored.id)
        if (task === undefined) return yield* refusedNow(stored.id, command)
        const waiter = task.waiter
        yield* apply(task, command, principal.id)
        if (waiter?.kind === "input") {
          task.waiter = undefined
          yield* Deferred.succeed(waiter.answer, input)
        } else {
          task.pendingAnswer = input
          yield* startAgent(task)
        }
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    resolveApproval: (principal, taskId, decision) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:approve", decision.approved)
        const reason = decision.reason === undefined ? {} : { reason: decision.reason }
        const command: TaskCommand = decision.approved ? { type: "approve", ...reason } : { type: "deny", ...reason }
        const task = yield* liveTask(stored.id)
        if (task === undefined) return yield* refusedNow(stored.id, command)
        const waiter = task.waiter
        yield* apply(task, command, principal.id)
        if (!decision.approved) {
          // The task has failed; its agent fiber, parked on the approval, is stopped.
          task.waiter = undefined
          yield* FiberMap.remove(fibers, task.id)
        } else if (waiter?.kind === "approval") {
          task.waiter = undefined
          yield* Deferred.succeed(waiter.approved, undefined)
        } else {
          task.pendingApproval = yield* requestedApproval(task.id)
          yield* startAgent(task)
        }
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    subscribe: subscriptions.subscribe,
    subscribeAll: subscriptions.subscribeAll,
    listAgents: () => Effect.succeed(options.agents.map((agent) => agent.descriptor)),
    listSkills: () => Effect.succeed((options.skills ?? []).map((skill) => skill.descriptor)),
    status: (principal) =>
      Effect.gen(function* () {
        yield* authorize(principal, "runtime:status", "runtime")
        const now = yield* Clock.currentTimeMillis
        const checks: Array<HealthCheck> = []
        // Failing while real appends fail (set by a failed append, cleared by the next stored one): a probe
        // that writes one row may still fit on a disk that refuses a batch of events.
        const appendFailure = writer.failing()
        const probe = appendFailure === undefined ? yield* Effect.exit(journal.probe) : undefined
        checks.push(
          appendFailure !== undefined
            ? { name: "journal-writable", state: "failing", detail: appendFailure.slice(0, 4_000) }
            : probe === undefined || Exit.isSuccess(probe)
              ? { name: "journal-writable", state: "ok" }
              : { name: "journal-writable", state: "failing", detail: Cause.pretty(probe.cause).slice(0, 4_000) }
        )
        const integrity = yield* journalIntegrityCheck(journal)
        if (integrity !== undefined) checks.push(integrity)
        const lagMs = yield* lag.readP99Ms
        checks.push({
          name: "event-loop-lag",
          state: lagMs < 100 ? "ok" : lagMs < 1_000 ? "degraded" : "failing",
          observed: Math.round(lagMs * 100) / 100
        })
        checks.push({
          name: "queue",
          state: queue.size >= maxQueued ? "failing" : queue.size >= maxQueued * 0.9 ? "degraded" : "ok",
          observed: queue.size
        })
        if (!accepting) checks.push({ name: "accepting", state: "failing", detail: "the runtime is shutting down" })
        checks.push(...(options.healthChecks ?? []))
        const rank: Record<HealthState, number> = { ok: 0, degraded: 1, failing: 2 }
        const state = checks.reduce<HealthState>(
          (worst, check) => (rank[check.state] > rank[worst] ? check.state : worst),
          "ok"
        )
        const counts = yield* journal.countByStatus.pipe(Effect.orElseSucceed(() => undefined))
        return {
          version: RUNTIME_VERSION,
          protocolVersion: PROTOCOL_VERSION,
          mode: options.mode ?? "local-only",
          nodeId,
          startedAt,
          uptimeMs: Math.max(0, now - startedAt),
          tasks: counts ?? { pending: 0, planning: 0, running: 0, waiting: 0, completed: 0, failed: 0, cancelled: 0 },
          queueDepth: queue.size,
          health: { state, checks }
        }
      }),
    submitWorkflow: (principal, raw) =>
      Effect.gen(function* () {
        const definition = yield* fromResult(decodeWorkflow(raw))
        const issues = validateWorkflow(definition)
        if (issues.length > 0) return yield* new InvalidRequest({ what: "workflow", issues })
        if (!agents.has(workflowAgentId)) {
          return yield* new Unavailable({
            reason: `no '${workflowAgentId}' agent is registered: add the workflow agent of @coderclaw/orchestrator`
          })
        }
        const unknown = definition.steps.find((step) => !agents.has(step.agentId))
        if (unknown !== undefined) return yield* new AgentNotFound({ agentId: unknown.agentId })
        return yield* submitTask(principal, {
          agentId: workflowAgentId,
          description: definition.name,
          input: raw,
          ...(definition.metadata === undefined ? {} : { metadata: definition.metadata })
        })
      }),
    shutdown: (graceMs) => shutdown(graceMs)
  }
  return runtime
})
