import type {
  AttemptEnd,
  HostedSkill,
  LeaseLost,
  Principal,
  TaskId,
  WorkerDispatchNotification
} from "@coderclaw/protocol"
import type { Deferred } from "effect"
import type { AgentContext } from "../../agent/AgentContext.js"

/** How the hub reaches one worker's connection: hand it an attempt, or tell it to stop one. */
export interface WorkerLink {
  /** Unique per connection; the worker's id is derived from it. */
  readonly connectionId: string
  dispatch(notification: WorkerDispatchNotification): void
  abort(leaseId: string, reason: string): void
}

/** A registered worker, as the hub keeps it. */
export interface HostedWorker {
  readonly id: string
  readonly name: string
  readonly principal: Principal
  readonly link: WorkerLink
  readonly concurrency: number
  readonly labels: { readonly [key: string]: string }
  /** Agent id → version, for the ids policy let it host. */
  readonly agents: ReadonlyMap<string, string>
  readonly skills: ReadonlyMap<string, HostedSkill>
  running: number
  readonly leases: Set<string>
  lastSeen: number
  readonly connectedAt: number
  /** When it was last given an attempt (a counter): among equally loaded workers, the longest idle is next. */
  lastDispatchAt: number
}

/** How a lease ended for the attempt waiting on it. */
export type LeaseOutcome =
  | { readonly _tag: "End"; readonly end: AttemptEnd }
  | { readonly _tag: "Lost"; readonly message: string }

/** One attempt running on a worker: its fencing token (`id`), its expiry, and the attempt's context. */
export interface Lease {
  readonly id: string
  readonly taskId: TaskId
  readonly agentId: string
  readonly worker: HostedWorker
  readonly context: AgentContext
  expiresAt: number
  /** Completed once: by the worker's `end`, or `Lost`. */
  readonly outcome: Deferred.Deferred<LeaseOutcome>
  /** Failed once the lease is no longer honoured: calls still in flight under it are cut short. */
  readonly closed: Deferred.Deferred<never, LeaseLost>
}

/**
 * The worker to give the next attempt of `agentId`: among those hosting it with a free slot, the least
 * loaded (running / concurrency), then the one given an attempt longest ago, so work spreads fairly.
 */
export const pickWorker = (workers: Iterable<HostedWorker>, agentId: string): HostedWorker | undefined => {
  let best: HostedWorker | undefined
  for (const worker of workers) {
    if (!worker.agents.has(agentId) || worker.running >= worker.concurrency) continue
    if (best === undefined) {
      best = worker
      continue
    }
    const load = worker.running / worker.concurrency
    const bestLoad = best.running / best.concurrency
    if (load < bestLoad || (load === bestLoad && worker.lastDispatchAt < best.lastDispatchAt)) best = worker
  }
  return best
}
