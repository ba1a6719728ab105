import { type HealthCheck, type HealthState, PROTOCOL_VERSION, type Principal } from "@coderclaw/protocol"
import { Cause, Clock, Effect, Exit } from "effect"
import { journalIntegrityCheck } from "../status/journalIntegrityCheck.js"
import { RUNTIME_VERSION } from "../version.js"
import type { Access } from "./access.js"
import type { SupervisorState } from "./SupervisorState.js"

const rank: Record<HealthState, number> = { ok: 0, degraded: 1, failing: 2 }

/**
 * The runtime's status: versions, uptime, task counts, queue depth, and its health, the worst of its
 * checks (the journal writable and intact, event-loop lag, queue fill, shutting down, the host's checks).
 */
export const makeHealth = (
  state: SupervisorState,
  access: Pick<Access, "authorize">,
  lag: { readonly readP99Ms: Effect.Effect<number> },
  startedAt: number
) =>
  Effect.fnUntraced(function* (principal: Principal) {
    const { journal, options, queue } = state
    const { maxQueued } = state.limits
    yield* access.authorize(principal, "runtime:status", "runtime")
    const now = yield* Clock.currentTimeMillis
    const checks: Array<HealthCheck> = []
    // Failing while real appends fail (set by a failed append, cleared by the next stored one): a probe
    // that writes one row may still fit on a disk that refuses a batch of events.
    const appendFailure = state.writer.failing()
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
    if (!state.accepting) checks.push({ name: "accepting", state: "failing", detail: "the runtime is shutting down" })
    checks.push(...(options.healthChecks ?? []))
    const worst = checks.reduce<HealthState>(
      (worst, check) => (rank[check.state] > rank[worst] ? check.state : worst),
      "ok"
    )
    const counts = yield* journal.countByStatus.pipe(Effect.orElseSucceed(() => undefined))
    return {
      version: RUNTIME_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      mode: options.mode ?? "local-only",
      nodeId: state.nodeId,
      startedAt,
      uptimeMs: Math.max(0, now - startedAt),
      tasks: counts ?? { pending: 0, planning: 0, running: 0, waiting: 0, completed: 0, failed: 0, cancelled: 0 },
      queueDepth: queue.size,
      health: { state: worst, checks }
    }
  })
