import {
  type AgentHosting,
  type AttemptEnd,
  type AttemptReport,
  type JsonValue,
  LeaseLost,
  type Principal,
  type RefusedRegistration,
  type SkillDescriptor,
  type TaskId,
  type TaskRecord,
  type WorkerDispatchNotification,
  type WorkerInfo,
  type WorkerRegisterParams,
  type WorkerRegisterResult
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
import { type HostedWorker, type Lease, pickWorker, type WorkerLink } from "./internal/hosting.js"

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

/** How many ended leases are remembered, so a late message gets the precise reason. */
const retiredLimit = 10_000

/** Makes the hub of a runtime; its sweep of expired leases runs in the current scope. */
export const makeWorkerHub = Effect.fnUntraced(function* (deps: WorkerHubDeps) {
  const { state, timing } = deps
  const workers = new Map<string, HostedWorker>()
  const leases = new Map<string, Lease>()
  const retired = new Map<string, LeaseLost["reason"]>()
  let sequence = 0
  let capacityChanged = Deferred.makeUnsafe<void>()

  /** Wakes every attempt waiting for a worker, and the queue (capacity may have appeared). */
  const signal = () => {
    const previous = capacityChanged
    capacityChanged = Deferred.makeUnsafe<void>()
    Deferred.doneUnsafe(previous, Effect.void)
  }

  const retire = (lease: Lease, reason: LeaseLost["reason"]) => {
    leases.delete(lease.id)
    lease.worker.leases.delete(lease.id)
    lease.worker.running--
    retired.set(lease.id, reason)
    if (retired.size > retiredLimit) retired.delete(retired.keys().next().value as string)
    Deferred.doneUnsafe(lease.closed, Effect.fail(new LeaseLost({ leaseId: lease.id, reason })))
    signal()
  }

  /** The lease is lost (expired, its worker gone): the attempt ends as `Lost` and runs again elsewhere. */
  const lose = (lease: Lease, reason: LeaseLost["reason"], why: string) => {
    if (!leases.has(lease.id)) return
    retire(lease, reason)
    lease.worker.link.abort(lease.id, why)
    Deferred.doneUnsafe(lease.outcome, Effect.succeed({ _tag: "Lost", message: why } as const))
  }

  const dropWorker = (worker: HostedWorker, why: string) => {
    if (workers.get(worker.id) !== worker) return
    workers.delete(worker.id)
    for (const leaseId of [...worker.leases]) {
      const lease = leases.get(leaseId)
      if (lease !== undefined) lose(lease, "Expired", why)
    }
    signal()
  }

  const capacityOf = (agentId: string) => {
    let total = 0
    for (const worker of workers.values()) if (worker.agents.has(agentId)) total += worker.concurrency
    return total
  }

  /** A worker-hosted agent: its attempts run on workers, through this hub. */
  const remoteAgent = (descriptor: AgentDefinition["descriptor"]): AgentDefinition & { readonly remote: true } => ({
    descriptor,
    remote: true,
    capacity: () => capacityOf(descriptor.id),
    run: (input, context) => runRemote(descriptor.id, input, context)
  })

  /** Waits for a worker with a free slot for `agentId`, and takes the slot. */
  const acquire = (agentId: string): Effect.Effect<HostedWorker> =>
    Effect.suspend(() => {
      const worker = pickWorker(workers.values(), agentId)
      if (worker !== undefined) {
        worker.running++
        worker.lastDispatchAt = ++sequence
        return Effect.succeed(worker)
      }
      return Effect.andThen(Deferred.await(capacityChanged), acquire(agentId))
    })

  const runRemote = (agentId: string, input: JsonValue, context: AgentContext) =>
    Effect.gen(function* () {
      const worker = yield* acquire(agentId)
      const now = yield* Clock.currentTimeMillis
      const lease: Lease = {
        id: `${worker.id}.${++sequence}.${context.taskId}`,
        taskId: context.taskId,
        agentId,
        worker,
        context,
        expiresAt: now + timing.leaseTtlMs,
        outcome: Deferred.makeUnsafe(),
        closed: Deferred.makeUnsafe()
      }
      leases.set(lease.id, lease)
      worker.leases.add(lease.id)
      const dispatch: WorkerDispatchNotification = {
        leaseId: lease.id,
        taskId: context.taskId,
        agentId,
        attempt: context.attempt,
        maxAttempts: state.tasks.get(context.taskId)?.actor.getSnapshot().context.maxAttempts ?? context.attempt,
        input,
        ...(context.checkpoint === undefined ? {} : { checkpoint: context.checkpoint }),
        owner: context.owner,
        leaseTtlMs: timing.leaseTtlMs
      }
      worker.link.dispatch(dispatch)
      const outcome = yield* Deferred.await(lease.outcome).pipe(
        // The attempt was stopped here (cancel, deadline, shutdown, denied approval): the worker aborts it.
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            if (!leases.has(lease.id)) return
            retire(lease, "Aborted")
            worker.link.abort(lease.id, "the attempt was stopped by the server")
          })
        )
      )
      if (outcome._tag === "Lost") return yield* new AttemptLost({ message: outcome.message })
      if (outcome.end.type === "completed") return outcome.end.result
      return yield* new AgentFailure({
        code: outcome.end.code,
        message: outcome.end.message,
        ...(outcome.end.retryable === undefined ? {} : { retryable: outcome.end.retryable })
      })
    })

  /** The live lease `leaseId` of `workerId`, or why a message under it is refused. */
  const leaseOf = (workerId: string, leaseId: string): Effect.Effect<Lease, LeaseLost> =>
    Effect.suspend(() => {
      const lease = leases.get(leaseId)
      if (lease === undefined) return Effect.fail(new LeaseLost({ leaseId, reason: retired.get(leaseId) ?? "Unknown" }))
      if (lease.worker.id !== workerId) return Effect.fail(new LeaseLost({ leaseId, reason: "NotYours" }))
      return Effect.succeed(lease)
    })

  /** Runs a call of a lease's attempt; it is cut short (and refused) if the lease ends meanwhile. */
  const underLease = <A, E>(
    workerId: string,
    leaseId: string,
    call: (lease: Lease) => Effect.Effect<A, E>
  ): Effect.Effect<A, E | LeaseLost> =>
    Effect.flatMap(leaseOf(workerId, leaseId), (lease) => Effect.raceFirst(call(lease), Deferred.await(lease.closed)))

  const sweep = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    for (const worker of [...workers.values()]) {
      if (now - worker.lastSeen >= timing.leaseTtlMs) dropWorker(worker, "the worker stopped sending heartbeats")
    }
    for (const lease of [...leases.values()]) {
      if (lease.expiresAt <= now) lose(lease, "Expired", "the lease expired: no heartbeat renewed it")
    }
  })
  yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(timing.sweepIntervalMs), sweep)))

  const authorizeHost = (principal: Principal, agentId: string): Effect.Effect<string | undefined> => {
    const existing = state.agents.get(agentId) as (AgentDefinition & { readonly remote?: true }) | undefined
    if (existing !== undefined && existing.remote !== true)
      return Effect.succeed("an agent of this id runs in the server's process")
    return state.authorizer
      .authorize({ principal, action: "agent:host", resource: `agent/${agentId}`, context: { agentId } })
      .pipe(Effect.match({ onSuccess: () => undefined, onFailure: (forbidden) => forbidden.reasons.join(", ") }))
  }

  const hub: WorkerHubShape = {
    register: (principal, params, link) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const refused: Array<RefusedRegistration> = []
        const accepted = new Map<string, string>()
        for (const hosted of params.agents) {
          const reason = yield* authorizeHost(principal, hosted.descriptor.id)
          if (reason !== undefined) refused.push({ agentId: hosted.descriptor.id, reason })
          else accepted.set(hosted.descriptor.id, hosted.version)
        }
        const workerId = `worker-${link.connectionId}`
        const worker: HostedWorker = {
          id: workerId,
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
        const previous = workers.get(workerId)
        if (previous !== undefined) dropWorker(previous, "the worker registered again")
        workers.set(workerId, worker)
        const agents = state.agents as Map<string, AgentDefinition>
        for (const hosted of params.agents) {
          if (accepted.has(hosted.descriptor.id) && !agents.has(hosted.descriptor.id))
            agents.set(hosted.descriptor.id, remoteAgent(hosted.descriptor))
        }
        signal()
        yield* deps.drain
        return {
          workerId,
          leaseTtlMs: timing.leaseTtlMs,
          heartbeatIntervalMs: timing.heartbeatIntervalMs,
          accepted: [...accepted.keys()],
          refused
        }
      }),
    disconnect: (workerId) =>
      Effect.sync(() => {
        const worker = workers.get(workerId)
        if (worker !== undefined) dropWorker(worker, "the worker's connection ended")
      }),
    heartbeat: (workerId, ids) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const worker = workers.get(workerId)
        if (worker === undefined) return { lost: ids }
        worker.lastSeen = now
        const lost: Array<string> = []
        for (const id of ids) {
          const lease = leases.get(id)
          if (lease === undefined || lease.worker !== worker) lost.push(id)
          else lease.expiresAt = now + timing.leaseTtlMs
        }
        return { lost }
      }),
    report: (workerId, leaseId, report) =>
      underLease(workerId, leaseId, ({ context }) => {
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
      }),
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
      Effect.map(leaseOf(workerId, leaseId), (lease) => {
        retire(lease, "Ended")
        Deferred.doneUnsafe(lease.outcome, Effect.succeed({ _tag: "End", end } as const))
      }),
    list: () =>
      [...workers.values()].map((worker) => ({
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
      })),
    hosting: (agentId, queued) => {
      const agent = state.agents.get(agentId) as (AgentDefinition & { readonly remote?: true }) | undefined
      return {
        inProcess: agent !== undefined && agent.remote !== true,
        workers: [...workers.values()]
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

  /**
   * The server's decision on a skill call of a leased attempt: the worker must host the skill; the call is
   * decided as the task's owner, naming the worker and its device. `pathsOnly`: the check of paths a call
   * already decided reaches.
   */
  const skillGrant = (
    lease: Lease,
    skillId: string,
    input: JsonValue,
    scope: SkillScope | undefined,
    pathsOnly = false
  ): Effect.Effect<SkillCallGrant, SkillError> => {
    const hosted = lease.worker.skills.get(skillId)
    if (hosted === undefined)
      return Effect.fail(new SkillError({ reason: "Unknown", skillId, detail: "the worker does not host this skill" }))
    const hostedBy = {
      workerId: lease.worker.id,
      principalId: lease.worker.principal.id,
      ...(lease.worker.principal.deviceId === undefined ? {} : { deviceId: lease.worker.principal.deviceId })
    }
    return deps.authorizeSkill(lease.taskId, hosted.descriptor, input, scope, hostedBy, pathsOnly)
  }

  return hub
})
