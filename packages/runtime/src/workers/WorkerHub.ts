import type {
  AgentHosting,
  AttemptEnd,
  AttemptReport,
  JsonValue,
  LeaseLost,
  Principal,
  RefusedRegistration,
  SkillDescriptor,
  TaskId,
  TaskRecord,
  WorkerDispatchNotification,
  WorkerInfo,
  WorkerRegisterParams,
  WorkerRegisterResult
} from "@coderclaw/protocol"
import { Clock, Deferred, Effect } from "effect"
import type { AgentContext, ChildRequest, SpawnError } from "../agent/AgentContext.js"
import { AgentFailure } from "../agent/AgentFailure.js"
import type { AgentDefinition } from "../agent/defineAgent.js"
import type { SkillScope } from "../agent/defineSkill.js"
import { SkillError } from "../agent/SkillError.js"
import { AttemptLost } from "../supervisor/AgentAttempt.js"
import type { SupervisorState } from "../supervisor/SupervisorState.js"
import type { SkillCallGrant } from "../supervisor/skillCall.js"
import type { HostedWorker, Lease, LeaseOutcome, WorkerLink } from "./internal/hosting.js"
import { LeaseBook } from "./internal/LeaseBook.js"

/** Lease timing of a runtime's workers. */
export interface LeaseTiming {
  /** A lease not renewed by a heartbeat for this long is lost. Default 8,000 ms. */
  readonly leaseTtlMs: number
  /** How often workers are told to heartbeat. Default 2,000 ms. */
  readonly heartbeatIntervalMs: number
  /** How often expired leases are looked for. Default 500 ms. */
  readonly sweepIntervalMs: number
}

/** The default lease timing: a dead worker's attempts run elsewhere within 8.5 s. */
export const defaultLeaseTiming: LeaseTiming = { leaseTtlMs: 8_000, heartbeatIntervalMs: 2_000, sweepIntervalMs: 500 }

/**
 * The server's side of remote workers: who hosts which agent, the leases of attempts running on workers,
 * and the calls a worker makes for them. A worker-hosted agent is an ordinary `AgentDefinition` whose `run`
 * hands the attempt to a worker (`runRemote`), so retries, checkpoints, waits, cancellation and deadlines
 * are the supervisor's, as for an agent in this process.
 */
export interface WorkerHubShape {
  /** Registers a connection as a worker; each agent id is decided by policy (`agent:host`). */
  register(principal: Principal, params: WorkerRegisterParams, link: WorkerLink): Effect.Effect<WorkerRegisterResult>
  /** The worker's connection ended: its leases are lost now. */
  disconnect(workerId: string): Effect.Effect<void>
  heartbeat(workerId: string, leases: ReadonlyArray<string>): Effect.Effect<{ readonly lost: ReadonlyArray<string> }>
  report(workerId: string, leaseId: string, report: AttemptReport): Effect.Effect<void, LeaseLost>
  askInput(
    workerId: string,
    leaseId: string,
    prompt: string,
    schema: JsonValue | undefined
  ): Effect.Effect<JsonValue, LeaseLost>
  spawn(workerId: string, leaseId: string, request: unknown): Effect.Effect<TaskId, LeaseLost | SpawnError>
  awaitChildren(
    workerId: string,
    leaseId: string,
    childIds: ReadonlyArray<string> | undefined,
    until: "all" | "any"
  ): Effect.Effect<ReadonlyArray<TaskRecord>, LeaseLost>
  authorizeSkill(
    workerId: string,
    leaseId: string,
    skillId: string,
    input: JsonValue,
    scope: SkillScope | undefined
  ): Effect.Effect<void, LeaseLost | SkillError>
  authorizePaths(
    workerId: string,
    leaseId: string,
    skillId: string,
    scope: SkillScope | undefined,
    paths: ReadonlyArray<string>
  ): Effect.Effect<ReadonlyArray<string>, LeaseLost | SkillError>
  end(workerId: string, leaseId: string, end: AttemptEnd): Effect.Effect<void, LeaseLost>
  /** The connected workers. */
  list(): ReadonlyArray<WorkerInfo>
  /** Where an agent runs, for `listAgents`. */
  hosting(agentId: string, queued: number): AgentHosting
}

/** What the hub needs of the supervisor. */
export interface WorkerHubDeps {
  readonly state: SupervisorState
  readonly timing: LeaseTiming
  /** Starts queued tasks: called when capacity appears. */
  readonly drain: Effect.Effect<void>
  readonly authorizeSkill: (
    taskId: TaskId,
    skill: SkillDescriptor,
    input: JsonValue,
    scope: SkillScope | undefined,
    hostedBy: { readonly workerId: string; readonly principalId: string; readonly deviceId?: string },
    pathsOnly: boolean
  ) => Effect.Effect<SkillCallGrant, SkillError>
}

type MaybeRemote = AgentDefinition & { readonly remote?: true }

/** What an attempt's call under a lease does, for each report type. */
const applyReport = (context: AgentContext, report: AttemptReport): Effect.Effect<void> => {
  switch (report.type) {
    case "progress":
      return context.progress(report.percent, report.message)
    case "output":
      return context.output(report.name, report.value, report.mimeType)
    case "artifact": {
      const { type: _type, ...artifact } = report
      return context.artifact(artifact)
    }
    case "log":
      return context.log(report.level, report.message)
    case "checkpoint":
      return context.saveCheckpoint(report.data)
  }
}

/** How an attempt ended on its worker, as the agent's `run` ends: a result, a failure, or lost. */
const endOf = (outcome: LeaseOutcome): Effect.Effect<JsonValue, AgentFailure | AttemptLost> => {
  if (outcome._tag === "Lost") return Effect.fail(new AttemptLost({ message: outcome.message }))
  if (outcome.end.type === "completed") return Effect.succeed(outcome.end.result)
  return Effect.fail(
    new AgentFailure({
      code: outcome.end.code,
      message: outcome.end.message,
      ...(outcome.end.retryable === undefined ? {} : { retryable: outcome.end.retryable })
    })
  )
}

/** One worker as `worker.list` shows it. */
const infoOf = (worker: HostedWorker): WorkerInfo => ({
  workerId: worker.id,
  name: worker.name,
  principalId: worker.principal.id,
  ...(worker.principal.deviceId === undefined ? {} : { deviceId: worker.principal.deviceId }),
  agents: [...worker.agents].map(([agentId, version]) => ({ agentId, version })),
  skills: [...worker.skills.values()].map((skill) => ({ skillId: skill.descriptor.id, version: skill.version })),
  concurrency: worker.concurrency,
  running: worker.running,
  labels: worker.labels,
  connectedAt: worker.connectedAt
})

/**
 * The server's decision on a skill call of a leased attempt: the worker must host the skill; the call is
 * decided as the task's owner, naming the worker and its device. `pathsOnly`: the check of paths a call
 * already decided reaches.
 */
const skillGrantOf =
  (deps: WorkerHubDeps) =>
  (
    lease: Lease,
    skillId: string,
    input: JsonValue,
    scope: SkillScope | undefined,
    pathsOnly = false
  ): Effect.Effect<SkillCallGrant, SkillError> => {
    const hosted = lease.worker.skills.get(skillId)
    if (hosted === undefined)
      return Effect.fail(new SkillError({ reason: "Unknown", skillId, detail: "the worker does not host this skill" }))
    const { principal } = lease.worker
    const hostedBy = {
      workerId: lease.worker.id,
      principalId: principal.id,
      ...(principal.deviceId === undefined ? {} : { deviceId: principal.deviceId })
    }
    return deps.authorizeSkill(lease.taskId, hosted.descriptor, input, scope, hostedBy, pathsOnly)
  }

/** Why `principal` may not host `agentId`, or `undefined` when it may. */
const hostRefusal = (
  state: SupervisorState,
  principal: Principal,
  agentId: string
): Effect.Effect<string | undefined> => {
  const existing = state.agents.get(agentId) as MaybeRemote | undefined
  if (existing !== undefined && existing.remote !== true)
    return Effect.succeed("an agent of this id runs in the server's process")
  return state.authorizer
    .authorize({ principal, action: "agent:host", resource: `agent/${agentId}`, context: { agentId } })
    .pipe(Effect.match({ onSuccess: () => undefined, onFailure: (forbidden) => forbidden.reasons.join(", ") }))
}

/** Each agent the worker offers, decided: accepted (id → version) or refused with why. */
const admit = Effect.fnUntraced(function* (state: SupervisorState, principal: Principal, params: WorkerRegisterParams) {
  const refused: Array<RefusedRegistration> = []
  const accepted = new Map<string, string>()
  for (const hosted of params.agents) {
    const reason = yield* hostRefusal(state, principal, hosted.descriptor.id)
    if (reason !== undefined) refused.push({ agentId: hosted.descriptor.id, reason })
    else accepted.set(hosted.descriptor.id, hosted.version)
  }
  return { accepted, refused }
})

/** Makes the hub of a runtime; its sweep of expired leases runs in the current scope. */
export const makeWorkerHub = Effect.fnUntraced(function* (deps: WorkerHubDeps) {
  const { state, timing } = deps
  const book = new LeaseBook()
  const skillGrant = skillGrantOf(deps)
  yield* Effect.forkScoped(
    Effect.forever(
      Effect.andThen(
        Effect.sleep(timing.sweepIntervalMs),
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => book.sweep(now, timing.leaseTtlMs)))
      )
    )
  )

  /** A worker-hosted agent: its attempts run on workers, through this hub. */
  const remoteAgent = (descriptor: AgentDefinition["descriptor"]): AgentDefinition & { readonly remote: true } => ({
    descriptor,
    remote: true,
    capacity: () => book.capacityOf(descriptor.id),
    run: (input, context) => runRemote(descriptor.id, input, context)
  })

  const dispatchOf = (lease: Lease, input: JsonValue): WorkerDispatchNotification => {
    const { context } = lease
    return {
      leaseId: lease.id,
      taskId: context.taskId,
      agentId: lease.agentId,
      attempt: context.attempt,
      maxAttempts: state.tasks.get(context.taskId)?.actor.getSnapshot().context.maxAttempts ?? context.attempt,
      input,
      ...(context.checkpoint === undefined ? {} : { checkpoint: context.checkpoint }),
      owner: context.owner,
      leaseTtlMs: timing.leaseTtlMs
    }
  }

  const runRemote = (agentId: string, input: JsonValue, context: AgentContext) =>
    Effect.gen(function* () {
      const worker = yield* book.acquire(agentId)
      const lease = book.open(worker, agentId, context, (yield* Clock.currentTimeMillis) + timing.leaseTtlMs)
      worker.link.dispatch(dispatchOf(lease, input))
      const outcome = yield* Deferred.await(lease.outcome).pipe(
        // The attempt was stopped here (cancel, deadline, shutdown, denied approval): the worker aborts it.
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            if (book.retire(lease, "aborted")) worker.link.abort(lease.id, "the attempt was stopped by the server")
          })
        )
      )
      return yield* endOf(outcome)
    })

  /** Runs a call of a lease's attempt; it is cut short (and refused) if the lease ends meanwhile. */
  const underLease = <A, E>(
    workerId: string,
    leaseId: string,
    call: (lease: Lease) => Effect.Effect<A, E>
  ): Effect.Effect<A, E | LeaseLost> =>
    Effect.flatMap(book.leaseOf(workerId, leaseId), (lease) =>
      Effect.raceFirst(call(lease), Deferred.await(lease.closed))
    )

  const register = Effect.fnUntraced(function* (principal: Principal, params: WorkerRegisterParams, link: WorkerLink) {
    const now = yield* Clock.currentTimeMillis
    const { accepted, refused } = yield* admit(state, principal, params)
    const worker: HostedWorker = {
      id: `worker-${link.connectionId}`,
      name: params.name,
      principal,
      link,
      concurrency: params.concurrency,
      labels: params.labels ?? {},
      agents: accepted,
      skills: new Map(params.skills.map((skill) => [skill.descriptor.id, skill])),
      running: 0,
      leases: new Set(),
      lastSeen: now,
      connectedAt: now,
      lastDispatchAt: 0
    }
    const previous = book.workers.get(worker.id)
    if (previous !== undefined) book.drop(previous, "the worker registered again")
    book.workers.set(worker.id, worker)
    // An agent first offered by a worker joins the registry and stays known: its tasks wait for a worker.
    for (const hosted of params.agents)
      if (accepted.has(hosted.descriptor.id) && !state.agents.has(hosted.descriptor.id))
        state.agents.set(hosted.descriptor.id, remoteAgent(hosted.descriptor))
    book.signal()
    yield* deps.drain
    const result: WorkerRegisterResult = {
      workerId: worker.id,
      leaseTtlMs: timing.leaseTtlMs,
      heartbeatIntervalMs: timing.heartbeatIntervalMs,
      accepted: [...accepted.keys()],
      refused
    }
    return result
  })

  const hub: WorkerHubShape = {
    register,
    disconnect: (workerId) =>
      Effect.sync(() => {
        const worker = book.workers.get(workerId)
        if (worker !== undefined) book.drop(worker, "the worker's connection ended")
      }),
    heartbeat: (workerId, ids) =>
      Effect.map(Clock.currentTimeMillis, (now) => ({ lost: book.renew(workerId, ids, now, timing.leaseTtlMs) })),
    report: (workerId, leaseId, report) => underLease(workerId, leaseId, ({ context }) => applyReport(context, report)),
    askInput: (workerId, leaseId, prompt, schema) =>
      underLease(workerId, leaseId, ({ context }) => context.askInput(prompt, schema)),
    spawn: (workerId, leaseId, request) =>
      underLease(workerId, leaseId, ({ context }) => context.spawn(request as ChildRequest)),
    awaitChildren: (workerId, leaseId, childIds, until) =>
      underLease(workerId, leaseId, ({ context }) =>
        context.awaitChildren(childIds as ReadonlyArray<TaskId> | undefined, { until })
      ),
    authorizeSkill: (workerId, leaseId, skillId, input, scope) =>
      underLease(workerId, leaseId, (lease) => Effect.asVoid(skillGrant(lease, skillId, input, scope))),
    authorizePaths: (workerId, leaseId, skillId, scope, paths) =>
      underLease(workerId, leaseId, (lease) =>
        Effect.flatMap(skillGrant(lease, skillId, null, scope, true), (grant) => grant.refusedPaths(paths))
      ),
    end: (workerId, leaseId, end) =>
      Effect.map(book.leaseOf(workerId, leaseId), (lease) => {
        book.retire(lease, "ended")
        Deferred.doneUnsafe(lease.outcome, Effect.succeed({ _tag: "End", end } as const))
      }),
    list: () => [...book.workers.values()].map(infoOf),
    hosting: (agentId, queued) => {
      const agent = state.agents.get(agentId) as MaybeRemote | undefined
      return {
        inProcess: agent !== undefined && agent.remote !== true,
        workers: [...book.workers.values()]
          .filter((worker) => worker.agents.has(agentId))
          .map((worker) => ({
            workerId: worker.id,
            name: worker.name,
            version: worker.agents.get(agentId) ?? "",
            free: Math.max(0, worker.concurrency - worker.running)
          })),
        queued
      }
    }
  }
  return hub
})
