import {
  type AttemptEnd,
  type HelloResult,
  isRuntimeError,
  WorkerAbortNotification,
  WorkerDispatchNotification,
  type WorkerRegisterResult
} from "@coderclaw/protocol"
import type { AgentDefinition, SkillDefinition } from "@coderclaw/runtime"
import type { WsClient } from "@coderclaw/transport-ws/client"
import { Schema } from "effect"
import { remoteContext, type WorkerCall } from "./remoteContext.js"
import { WorkerAttempt } from "./WorkerAttempt.js"

/** What a worker hosts and how it runs. */
export interface WorkerOptions {
  /** An authenticated client of the server (its principal needs `agent:host`, e.g. the `worker` role). */
  readonly client: WsClient
  readonly agents: ReadonlyArray<AgentDefinition>
  /** Skills the hosted agents call; they run here, after the server decided each call. */
  readonly skills?: ReadonlyArray<SkillDefinition>
  /** Attempts run at once. Default 4. */
  readonly concurrency?: number
  /** Shown by `coderclaw workers`. Default `worker`. */
  readonly name?: string
  readonly labels?: { readonly [key: string]: string }
  /** The version registered for every agent and skill. Default `0.0.0`. */
  readonly version?: string
  /** Told what the worker does, for logs: registered, dispatched, ended, aborted. */
  readonly onEvent?: (event: WorkerEvent) => void
}

/** What a running worker reports about itself. */
export type WorkerEvent =
  | { readonly type: "registered"; readonly result: WorkerRegisterResult }
  | { readonly type: "dispatched"; readonly leaseId: string; readonly taskId: string; readonly attempt: number }
  | { readonly type: "ended"; readonly leaseId: string; readonly end: AttemptEnd; readonly accepted: boolean }
  | { readonly type: "aborted"; readonly leaseId: string; readonly reason: string }
  | { readonly type: "error"; readonly message: string }

/** A running worker. */
export interface RunningWorker {
  /** The last registration's answer: the worker id, the lease timing, what was accepted or refused. */
  readonly registration: WorkerRegisterResult
  /** Attempts running now. */
  readonly running: () => number
  /** Aborts the running attempts and stops heartbeats; the caller closes the client. */
  stop(): void
}

const decodeDispatch = Schema.decodeUnknownSync(WorkerDispatchNotification)
const decodeAbort = Schema.decodeUnknownSync(WorkerAbortNotification)

/**
 * Starts a worker on an authenticated client: registers the agents and skills, runs each attempt the server
 * dispatches (a `WorkerAttempt`, its context over the wire), renews the leases by heartbeats and reports each
 * attempt's end. On a reconnection it registers again; its earlier leases were lost with the connection
 * (their attempts run again elsewhere), so the attempts still running here are aborted.
 */
export const startWorker = async (options: WorkerOptions): Promise<RunningWorker> => {
  const { client } = options
  const agents = new Map(options.agents.map((agent) => [agent.descriptor.id, agent]))
  const skills = new Map((options.skills ?? []).map((skill) => [skill.descriptor.id, skill]))
  const attempts = new Map<string, WorkerAttempt>()
  const version = options.version ?? "0.0.0"
  const emit = options.onEvent ?? (() => undefined)
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let stopped = false

  const call: WorkerCall = (method, params, waits = false) =>
    client.request(method, params, waits ? { timeoutMs: Number.MAX_SAFE_INTEGER } : undefined)

  const abortAll = (reason: string) => {
    for (const attempt of attempts.values()) attempt.abort(reason)
    attempts.clear()
  }

  const register = async (): Promise<WorkerRegisterResult> => {
    const result = await call<WorkerRegisterResult>("worker.register", {
      name: options.name ?? "worker",
      agents: options.agents.map((agent) => ({ descriptor: agent.descriptor, version })),
      skills: (options.skills ?? []).map((skill) => ({ descriptor: skill.descriptor, version })),
      concurrency: options.concurrency ?? 4,
      ...(options.labels === undefined ? {} : { labels: options.labels })
    })
    if (heartbeat !== undefined) clearInterval(heartbeat)
    heartbeat = setInterval(beat, result.heartbeatIntervalMs)
    heartbeat.unref?.()
    emit({ type: "registered", result })
    return result
  }

  const beat = () => {
    const leases = [...attempts.keys()]
    call<{ lost: ReadonlyArray<string> }>("worker.heartbeat", { leases }).then(
      ({ lost }) => {
        for (const leaseId of lost) abort(leaseId, "the server no longer honours this lease")
      },
      (error: unknown) => emit({ type: "error", message: `heartbeat failed: ${String(error)}` })
    )
  }

  const abort = (leaseId: string, reason: string) => {
    const attempt = attempts.get(leaseId)
    if (attempt === undefined) return
    attempts.delete(leaseId)
    attempt.abort(reason)
    emit({ type: "aborted", leaseId, reason })
  }

  const runAttempt = async (attempt: WorkerAttempt) => {
    const end = await attempt.run()
    if (attempts.get(attempt.leaseId) !== attempt) return
    attempts.delete(attempt.leaseId)
    // Stopped from inside (a report refused: the lease was lost or the task ended): nothing to report.
    if (end === undefined) return
    const accepted = await call("worker.end", { leaseId: attempt.leaseId, end }).then(
      () => true,
      // `LEASE_LOST`: the lease ended meanwhile, the attempt runs (or ran) elsewhere; nothing was applied.
      (error: unknown) => {
        if (!isRuntimeError(error) || error._tag !== "LeaseLost")
          emit({ type: "error", message: `could not report the end of ${attempt.leaseId}: ${String(error)}` })
        return false
      }
    )
    emit({ type: "ended", leaseId: attempt.leaseId, end, accepted })
  }

  const onDispatch = (params: unknown) => {
    const dispatch = decodeDispatch(params)
    const agent = agents.get(dispatch.agentId)
    if (agent === undefined) return
    const attempt = new WorkerAttempt(dispatch, agent, remoteContext(dispatch, call, skills))
    attempts.set(dispatch.leaseId, attempt)
    emit({ type: "dispatched", leaseId: dispatch.leaseId, taskId: dispatch.taskId, attempt: dispatch.attempt })
    void runAttempt(attempt)
  }

  client.onNotification((method, params) => {
    if (stopped) return
    if (method === "worker.dispatch") onDispatch(params)
    else if (method === "worker.abort") {
      const { leaseId, reason } = decodeAbort(params)
      abort(leaseId, reason)
    }
  })

  let registeredOn: HelloResult = await client.hello()
  let registration = await register()
  client.onConnected((hello: HelloResult) => {
    if (stopped || hello === registeredOn) return
    registeredOn = hello
    // A new connection: the server lost this worker's leases with the old one.
    abortAll("the connection to the server was lost")
    register().then(
      (result) => {
        registration = result
      },
      (error: unknown) => emit({ type: "error", message: `registration failed: ${String(error)}` })
    )
  })

  return {
    get registration() {
      return registration
    },
    running: () => attempts.size,
    stop: () => {
      stopped = true
      if (heartbeat !== undefined) clearInterval(heartbeat)
      abortAll("the worker stopped")
    }
  }
}
