import { makeTaskId, type PrincipalId, type TaskId } from "@coderclaw/protocol"
import { Effect, FiberMap, FiberSet } from "effect"
import type { AgentDefinition } from "../agent/defineAgent.js"
import type { SkillDefinition } from "../agent/defineSkill.js"
import { Authorizer, type AuthorizerShape } from "../authorization/Authorizer.js"
import { EventHub } from "../events/EventHub.js"
import { Journal, type JournalShape } from "../journal/Journal.js"
import { defaultJournalRetryPolicy, defaultJournalWaitMs, type RuntimeOptions } from "../RuntimeOptions.js"
import { TaskQueue } from "../scheduling/TaskQueue.js"
import { type JournalWriter, makeJournalWriter, type Patience } from "./journalWriter.js"
import type { LiveTask } from "./LiveTask.js"

/**
 * What one runtime holds, shared by the supervisor's modules: each module is a function of this record (and
 * of the few calls of other modules it needs, see `Lifecycle`), never of variables of another module.
 */
export interface SupervisorState {
  readonly options: RuntimeOptions
  readonly journal: JournalShape
  readonly authorizer: AuthorizerShape
  readonly hub: EventHub
  /** The journal as the supervisor writes it: retried, published, with a bounded wait for callers. */
  readonly writer: JournalWriter
  /** How long a caller's write waits for a failing journal. */
  readonly callerPatience: Patience
  /** The agents tasks may run on; agents hosted by workers join when a worker registers them. */
  readonly agents: Map<string, AgentDefinition>
  readonly skills: ReadonlyMap<string, SkillDefinition>
  /** The tasks held in memory; final and passivated tasks are not. */
  readonly tasks: Map<TaskId, LiveTask>
  /** Pending tasks waiting for a slot. */
  readonly queue: TaskQueue
  /** One agent fiber per task with a running (or parked) attempt. */
  readonly fibers: FiberMap.FiberMap<TaskId>
  /** Deadline timers, keyed `<taskId>:deadline` and `<taskId>:waiting`. */
  readonly timers: FiberMap.FiberMap<string>
  /** Fibers the runtime starts for itself (dispatches, deadline expiries, parents resumed). */
  readonly handlers: FiberSet.FiberSet
  readonly limits: {
    readonly maxConcurrent: number
    readonly maxQueued: number
    readonly defaultMaxAttempts: number
  }
  readonly nodeId: string
  /** False once shutdown began: nothing new is accepted or dispatched. */
  accepting: boolean
  /** True once shutdown ended: subscriptions end. */
  closed: boolean
}

/** Makes the state of a runtime in the current scope, which owns its fibers and timers. */
export const makeSupervisorState = Effect.fnUntraced(function* (options: RuntimeOptions) {
  const journal = yield* Journal
  const authorizer = yield* Authorizer
  const hub = new EventHub(yield* journal.lastPosition, options.subscriberBuffer ?? 1_024)
  const state: SupervisorState = {
    options,
    journal,
    authorizer,
    hub,
    writer: makeJournalWriter(journal, hub, options.journalRetry ?? defaultJournalRetryPolicy),
    callerPatience: { waitMs: options.journalWaitMs ?? defaultJournalWaitMs },
    agents: new Map(options.agents.map((agent) => [agent.descriptor.id, agent])),
    skills: new Map((options.skills ?? []).map((skill) => [skill.descriptor.id, skill])),
    tasks: new Map(),
    queue: new TaskQueue(),
    fibers: yield* FiberMap.make<TaskId>(),
    timers: yield* FiberMap.make<string>(),
    handlers: yield* FiberSet.make(),
    limits: {
      maxConcurrent: options.maxConcurrentTasks ?? 16,
      maxQueued: options.maxQueued ?? 10_000,
      defaultMaxAttempts: options.defaultMaxAttempts ?? 3
    },
    nodeId: options.nodeId ?? `node-${makeTaskId().slice(-12)}`,
    accepting: true,
    closed: false
  }
  return state
})

/** Steps the runtime takes itself (scheduler, recovery, deadlines, agents) wait for the journal for ever. */
const isRuntimeStep = (causedBy: PrincipalId) => causedBy.startsWith("system:") || causedBy.startsWith("agent:")

/** How long a step caused by `causedBy` waits for a failing journal: callers get a bounded wait. */
export const patienceOf = (state: SupervisorState, causedBy: PrincipalId): Patience =>
  isRuntimeStep(causedBy) ? "until-stored" : state.callerPatience
