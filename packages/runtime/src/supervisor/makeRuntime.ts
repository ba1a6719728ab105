import {
  AgentNotFound,
  InvalidRequest,
  makeDecoder,
  PageRequest,
  TaskFilter,
  Unavailable,
  validateWorkflow,
  WorkflowDefinition
} from "@coderclaw/protocol"
import { statusOf, type TaskCommand } from "@coderclaw/task-machine"
import { Clock, Effect, Schema } from "effect"
import { SkillError } from "../agent/SkillError.js"
import type { RuntimeShape } from "../Runtime.js"
import type { RuntimeOptions } from "../RuntimeOptions.js"
import { makeEventLoopLag } from "../status/EventLoopLag.js"
import { defaultLeaseTiming, makeWorkerHub } from "../workers/WorkerHub.js"
import { workflowAgentId } from "../workflowAgentId.js"
import { makeAgentRunner } from "./AgentRunner.js"
import { makeAccess } from "./access.js"
import { makeAgentContext } from "./agentContext.js"
import { makeApplyCommand } from "./applyCommand.js"
import { makeCancellation } from "./Cancellation.js"
import { makeDeadlines } from "./Deadlines.js"
import { fromResult } from "./fromResult.js"
import { makeHealth } from "./health.js"
import { unavailable } from "./journalFailures.js"
import type { Lifecycle } from "./Lifecycle.js"
import { makeReactions } from "./Reactions.js"
import { makeRecover } from "./recover.js"
import { makeSlots } from "./Slots.js"
import { makeSupervisorState } from "./SupervisorState.js"
import { makeShutdown } from "./shutdown.js"
import { makeSkillAuthorization } from "./skillCall.js"
import { makeSubmitTask } from "./submitTask.js"
import { makeSubscriptions } from "./subscriptions.js"
import { makeTaskRegistry } from "./TaskRegistry.js"
import { makeWaiters } from "./Waiters.js"

const decodeFilter = makeDecoder(TaskFilter, "task filter")
const decodePage = makeDecoder(PageRequest, "page request")
const decodeJson = makeDecoder(Schema.Json, "input")
const decodeWorkflow = makeDecoder(WorkflowDefinition, "workflow")

/**
 * Builds the runtime: its state, the supervisor's modules wired to one another, recovery of unfinished
 * tasks, and the service's calls. Runs inside the runtime layer's scope, which owns every agent fiber and
 * timer, and shuts the runtime down when closed. See docs/architecture.md for who calls whom.
 */
export const makeRuntime = Effect.fnUntraced(function* (options: RuntimeOptions) {
  const state = yield* makeSupervisorState(options)
  const lag = yield* makeEventLoopLag
  const startedAt = yield* Clock.currentTimeMillis

  // The calls that go round in a circle (a command ends a task, which cancels its children, which applies
  // commands) reach their module through this one object; the modules below are made once, in order.
  const lifecycle: Lifecycle = {
    apply: (task, command, causedBy, alongside) => commands.apply(task, command, causedBy, alongside),
    applyAll: (task, steps, causedBy, alongside) => commands.applyAll(task, steps, causedBy, alongside),
    drain: Effect.suspend(() => slots.drain),
    startAgent: (task) => runner.startAgent(task),
    evict: (task, error) => reactions.evict(task, error),
    settleParentIfReady: (parentId) => waiters.settleParentIfReady(parentId),
    cancelChildren: (parentId, reason) => cancellation.cancelChildren(parentId, reason),
    submitTask: (principal, raw, journalCreated) => submitTask(principal, raw, journalCreated)
  }
  const registry = makeTaskRegistry(state)
  const access = makeAccess(state)
  const slots = makeSlots(state, (task) => runner.dispatch(task))
  const deadlines = makeDeadlines(state, registry, lifecycle)
  const reactions = makeReactions(state, slots, deadlines, lifecycle)
  const commands = makeApplyCommand(state, reactions.react)
  const cancellation = makeCancellation(state, registry, lifecycle)
  const waiters = makeWaiters(state, registry, lifecycle)
  const runner = makeAgentRunner(state, makeAgentContext(state, registry, waiters, lifecycle), lifecycle)
  const submitTask = makeSubmitTask(state, access, registry, deadlines, lifecycle)
  const status = makeHealth(state, access, lag, startedAt)
  const shutdown = makeShutdown(state)
  const { visibleRecord, authorize } = access

  const authorizeSkill = makeSkillAuthorization(state, waiters)
  const workers = yield* makeWorkerHub({
    state,
    timing: options.leaseTiming ?? defaultLeaseTiming,
    drain: lifecycle.drain,
    authorizeSkill: (taskId, skill, input, scope, hostedBy, pathsOnly) => {
      const task = state.tasks.get(taskId)
      return task === undefined
        ? Effect.fail(new SkillError({ reason: "Unknown", skillId: skill.id, detail: "the task is not running" }))
        : authorizeSkill(task, skill, input, scope, hostedBy, pathsOnly)
    }
  })
  /** Tasks of an agent waiting for a slot (or a worker). */
  const queuedOf = (agentId: string) => {
    let queued = 0
    for (const task of state.tasks.values())
      if (task.agent.descriptor.id === agentId && statusOf(task.actor.getSnapshot()) === "pending") queued++
    return queued
  }

  yield* makeRecover(state, registry, deadlines, lifecycle)

  const subscriptions = makeSubscriptions({
    journal: state.journal,
    hub: state.hub,
    authorizer: state.authorizer,
    visibleRecord,
    liveTask: (taskId) => state.tasks.get(taskId),
    isClosed: () => state.closed
  })
  yield* Effect.addFinalizer(() => shutdown())

  const runtime: RuntimeShape = {
    submit: (principal, request) => submitTask(principal, request),
    get: (principal, taskId) => visibleRecord(principal, taskId, "task:read"),
    list: (principal, filter, page) =>
      Effect.gen(function* () {
        const decodedFilter = yield* fromResult(decodeFilter(filter ?? {}))
        const decodedPage = yield* fromResult(decodePage(page ?? {}))
        yield* authorize(principal, "task:read", "tasks")
        const sessions = yield* state.authorizer.visibleSessions(principal)
        return yield* state.journal
          .listTasks({ filter: decodedFilter, sessions }, decodedPage)
          .pipe(Effect.catchTag("JournalError", (error) => Effect.fail(unavailable(error))))
      }),
    cancel: (principal, taskId, reason) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:cancel")
        const command: TaskCommand = { type: "cancel", ...(reason === undefined ? {} : { reason }) }
        const cancelled = yield* cancellation.cancelTask(stored.id, principal.id, reason)
        if (!cancelled) return yield* commands.refusedNow(stored.id, command)
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    provideInput: (principal, taskId, rawInput) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:input")
        const input = yield* fromResult(decodeJson(rawInput))
        const command: TaskCommand = { type: "provide_input", input }
        const task = yield* registry.liveTask(stored.id)
        if (task === undefined) return yield* commands.refusedNow(stored.id, command)
        yield* waiters.resume(task, command, principal.id, (waiter) => waiters.answered(task, waiter, input))
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    resolveApproval: (principal, taskId, decision) =>
      Effect.gen(function* () {
        const stored = yield* visibleRecord(principal, taskId, "task:approve", decision.approved)
        const reason = decision.reason === undefined ? {} : { reason: decision.reason }
        const command: TaskCommand = decision.approved ? { type: "approve", ...reason } : { type: "deny", ...reason }
        const task = yield* registry.liveTask(stored.id)
        if (task === undefined) return yield* commands.refusedNow(stored.id, command)
        yield* waiters.resume(task, command, principal.id, (waiter) => waiters.decided(task, waiter, decision.approved))
        return yield* visibleRecord(principal, taskId, "task:read")
      }),
    subscribe: subscriptions.subscribe,
    subscribeAll: subscriptions.subscribeAll,
    workers,
    listAgents: () =>
      Effect.sync(() =>
        // Agents of this process keep their descriptor as registered; those hosted on workers say where.
        [...state.agents.values()].map((agent) =>
          agent.capacity === undefined
            ? agent.descriptor
            : { ...agent.descriptor, hosting: workers.hosting(agent.descriptor.id, queuedOf(agent.descriptor.id)) }
        )
      ),
    listSkills: () => Effect.succeed((options.skills ?? []).map((skill) => skill.descriptor)),
    status,
    submitWorkflow: (principal, raw) =>
      Effect.gen(function* () {
        const definition = yield* fromResult(decodeWorkflow(raw))
        const issues = validateWorkflow(definition)
        if (issues.length > 0) return yield* new InvalidRequest({ what: "workflow", issues })
        if (!state.agents.has(workflowAgentId)) {
          return yield* new Unavailable({
            reason: `no '${workflowAgentId}' agent is registered: add the workflow agent of @coderclaw/orchestrator`
          })
        }
        const unknown = definition.steps.find((step) => !state.agents.has(step.agentId))
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
