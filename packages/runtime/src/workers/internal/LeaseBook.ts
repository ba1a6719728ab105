import { LeaseLost } from "@coderclaw/protocol"
import { Deferred, Effect } from "effect"
import type { AgentContext } from "../../agent/AgentContext.js"
import { type HostedWorker, type Lease, pickWorker } from "./hosting.js"

/** How many ended leases are remembered, so a late message gets the precise reason. */
const retiredLimit = 10_000

/**
 * The registered workers and the live leases of one runtime: who may run what, which lease is honoured,
 * and why an ended one is not. Every change that frees or adds capacity wakes the attempts waiting for a
 * worker (`capacityChanged`).
 */
export class LeaseBook {
  readonly workers = new Map<string, HostedWorker>()
  readonly leases = new Map<string, Lease>()
  private readonly retired = new Map<string, LeaseLost["reason"]>()
  private sequence = 0
  private capacityChanged = Deferred.makeUnsafe<void>()

  /** Wakes every attempt waiting for a worker (capacity may have appeared). */
  signal(): void {
    const previous = this.capacityChanged
    this.capacityChanged = Deferred.makeUnsafe<void>()
    Deferred.doneUnsafe(previous, Effect.void)
  }

  /** The total concurrency of the workers hosting `agentId` (0 while none is connected). */
  capacityOf(agentId: string): number {
    let total = 0
    for (const worker of this.workers.values()) if (worker.agents.has(agentId)) total += worker.concurrency
    return total
  }

  /** Waits for a worker with a free slot for `agentId` (least loaded, then longest idle), and takes the slot. */
  acquire(agentId: string): Effect.Effect<HostedWorker> {
    return Effect.suspend(() => {
      const worker = pickWorker(this.workers.values(), agentId)
      if (worker === undefined) return Effect.andThen(Deferred.await(this.capacityChanged), this.acquire(agentId))
      worker.running++
      worker.lastDispatchAt = ++this.sequence
      return Effect.succeed(worker)
    })
  }

  /** A new lease of `worker` (whose slot was taken) for one attempt, expiring at `expiresAt`. */
  open(worker: HostedWorker, agentId: string, context: AgentContext, expiresAt: number): Lease {
    const lease: Lease = {
      id: `${worker.id}.${++this.sequence}.${context.taskId}`,
      taskId: context.taskId,
      agentId,
      worker,
      context,
      expiresAt,
      outcome: Deferred.makeUnsafe(),
      closed: Deferred.makeUnsafe()
    }
    this.leases.set(lease.id, lease)
    worker.leases.add(lease.id)
    return lease
  }

  /** Ends a live lease for good: its slot is freed and calls still in flight under it are refused. */
  retire(lease: Lease, reason: LeaseLost["reason"]): boolean {
    if (!this.leases.delete(lease.id)) return false
    lease.worker.leases.delete(lease.id)
    lease.worker.running--
    this.retired.set(lease.id, reason)
    if (this.retired.size > retiredLimit) this.retired.delete(this.retired.keys().next().value as string)
    Deferred.doneUnsafe(lease.closed, Effect.fail(new LeaseLost({ leaseId: lease.id, reason })))
    this.signal()
    return true
  }

  /** The lease is lost (expired, its worker gone): the attempt ends as `Lost` and runs again elsewhere. */
  lose(lease: Lease, why: string): void {
    if (!this.retire(lease, "expired")) return
    lease.worker.link.abort(lease.id, why)
    Deferred.doneUnsafe(lease.outcome, Effect.succeed({ _tag: "Lost", message: why } as const))
  }

  /** The worker is gone: every lease it held is lost. */
  drop(worker: HostedWorker, why: string): void {
    if (this.workers.get(worker.id) !== worker) return
    this.workers.delete(worker.id)
    for (const leaseId of [...worker.leases]) {
      const lease = this.leases.get(leaseId)
      if (lease !== undefined) this.lose(lease, why)
    }
    this.signal()
  }

  /** The live lease `leaseId` of `workerId`, or why a message under it is refused. */
  leaseOf(workerId: string, leaseId: string): Effect.Effect<Lease, LeaseLost> {
    return Effect.suspend(() => {
      const lease = this.leases.get(leaseId)
      if (lease === undefined)
        return Effect.fail(new LeaseLost({ leaseId, reason: this.retired.get(leaseId) ?? "unknown" }))
      if (lease.worker.id !== workerId) return Effect.fail(new LeaseLost({ leaseId, reason: "not_yours" }))
      return Effect.succeed(lease)
    })
  }

  /** Renews the listed leases of `workerId`; answers those it no longer holds. */
  renew(workerId: string, leaseIds: ReadonlyArray<string>, now: number, ttlMs: number): ReadonlyArray<string> {
    const worker = this.workers.get(workerId)
    if (worker === undefined) return leaseIds
    worker.lastSeen = now
    return leaseIds.filter((id) => {
      const lease = this.leases.get(id)
      if (lease === undefined || lease.worker !== worker) return true
      lease.expiresAt = now + ttlMs
      return false
    })
  }

  /** Drops workers silent for `ttlMs` (with their leases), then loses any other lease past its expiry. */
  sweep(now: number, ttlMs: number): void {
    for (const worker of [...this.workers.values()])
      if (now - worker.lastSeen >= ttlMs) this.drop(worker, "the worker stopped sending heartbeats")
    for (const lease of [...this.leases.values()])
      if (lease.expiresAt <= now) this.lose(lease, "the lease expired: no heartbeat renewed it")
  }
}
