import { Context, Metric } from "effect"

/**
 * The runtime's measurements, as Effect `Metric`s in the default metric registry: the runtime depends on no
 * metrics library. A host exports them (`@coderclaw/gateway` serves them in the Prometheus format at
 * `/metrics`); Effect users read them with `Metric.snapshot`. Names follow Prometheus conventions (base units,
 * `_seconds`, `_total`); see docs/observability.md for each one's labels.
 */
export const RuntimeMetrics = {
  /** How long each agent attempt ran, by `agent` and `outcome` (`completed`, `failed`). */
  attemptDuration: Metric.histogram("coderclaw_attempt_duration_seconds", {
    description: "Duration of agent attempts, from start to the agent's result or failure",
    boundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1_800]
  }),
  /** How long each journal append took, retries after a failure included. */
  journalAppendDuration: Metric.histogram("coderclaw_journal_append_duration_seconds", {
    description: "Latency of journal appends (a batch of events stored and published)",
    boundaries: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5]
  }),
  /** Tasks queued for a slot, by `agent`. */
  queueDepth: Metric.gauge("coderclaw_queue_depth", {
    description: "Tasks waiting in the queue for a concurrency slot"
  })
} as const

// Updates from synchronous code (the queue) go to the default registry, as `Effect` updates do without a
// registry of their own in context.
const defaultContext = Context.empty()
const queueDepthByAgent = new Map<string, Metric.Gauge<number>>()

/** Sets the queue depth gauge of `agentId` (one series per agent, made once). */
export const setQueueDepth = (agentId: string, depth: number): void => {
  let gauge = queueDepthByAgent.get(agentId)
  if (gauge === undefined) {
    gauge = Metric.withAttributes(RuntimeMetrics.queueDepth, { agent: agentId })
    queueDepthByAgent.set(agentId, gauge)
  }
  gauge.updateUnsafe(depth, defaultContext)
}

/** Records an attempt's duration in seconds; `lost`: its worker's lease was lost, and it runs again. */
export const recordAttempt = (agentId: string, outcome: "completed" | "failed" | "lost", seconds: number): void =>
  Metric.withAttributes(RuntimeMetrics.attemptDuration, { agent: agentId, outcome }).updateUnsafe(
    seconds,
    defaultContext
  )
