import type { IncomingMessage, ServerResponse } from "node:http"
import { taskStatuses } from "@coderclaw/protocol"
import { Journal, RuntimeMetrics } from "@coderclaw/runtime"
import { Cause, Context, Effect, Exit, type Metric } from "effect"
import { Gauge, Registry } from "prom-client"
import { makeEffectMetricsCollector } from "./effectMetricsCollector.js"
import { checkReadiness, type ReadinessCheck } from "./ReadinessCheck.js"

/** A plain Node request handler that answers the requests it serves and returns whether it did. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => boolean

/** The observability routes of a server. */
export interface Observability {
  /** Answers `/healthz` and `/readyz` (unauthenticated: they say nothing but up/ready and why not). */
  readonly probes: RouteHandler
  /** Answers `/metrics`: the Prometheus text format. Mount it where only the monitoring network reaches. */
  readonly metrics: RouteHandler
  /** The prom-client registry behind `/metrics`, for a host's own metrics. */
  readonly registry: Registry
}

/** Options of `makeObservability`. */
export interface ObservabilityOptions {
  /** More `/readyz` checks, after `journal-writable` (e.g. cluster membership). */
  readonly readinessChecks?: ReadonlyArray<ReadinessCheck>
  /** Effect metrics without labels shown (at 0) before their first use. Default: the journal append latency. */
  readonly eagerMetrics?: ReadonlyArray<Metric.Metric<never, unknown>>
}

const pathOf = (request: IncomingMessage): string => {
  try {
    return new URL(request.url ?? "/", "http://localhost").pathname
  } catch {
    return ""
  }
}

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  response
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
    .end(JSON.stringify(body))

/** Answers a method other than GET or HEAD with 405; returns whether the request may go on. */
const readOnly = (request: IncomingMessage, response: ServerResponse): boolean => {
  if (request.method === "GET" || request.method === "HEAD") return true
  response.writeHead(405, { allow: "GET, HEAD" }).end()
  return false
}

/**
 * The probes and metrics of a server, over the `Journal` in context:
 * - `/healthz`: 200 while the process serves HTTP at all (liveness).
 * - `/readyz`: 200 when the journal accepts a write (`journal.probe`) and every extra check holds; else 503
 *   with a JSON body naming the failing checks.
 * - `/metrics`: the runtime's, the WebSocket server's and the gateway's Effect metrics, plus
 *   `coderclaw_tasks{state}` counted by the journal at scrape time, in the Prometheus text format.
 */
export const makeObservability = (options: ObservabilityOptions = {}): Effect.Effect<Observability, never, Journal> =>
  Effect.gen(function* () {
    const journal = yield* Journal
    const runPromise = Effect.runPromise
    const registry = new Registry()
    const collector = makeEffectMetricsCollector(registry)
    const defaults = Context.empty()
    // Metrics without labels are shown at 0 from the start; labelled ones appear with their first series.
    for (const metric of options.eagerMetrics ?? [RuntimeMetrics.journalAppendDuration]) metric.valueUnsafe(defaults)

    registry.registerMetric(
      new Gauge({
        name: "coderclaw_tasks",
        help: "Tasks by lifecycle state, as the journal counts them",
        labelNames: ["state"],
        registers: [],
        async collect() {
          // A journal that cannot count right now leaves the series out of this scrape rather than failing it.
          const counts = await runPromise(Effect.orElseSucceed(journal.countByStatus, () => undefined))
          if (counts === undefined) return
          for (const state of taskStatuses) this.set({ state }, counts[state])
        }
      })
    )

    const journalWritable: ReadinessCheck = {
      name: "journal-writable",
      run: async () => {
        const exit = await runPromise(Effect.exit(journal.probe))
        return Exit.isSuccess(exit) ? undefined : Cause.pretty(exit.cause)
      }
    }
    const checks = [journalWritable, ...(options.readinessChecks ?? [])]

    const probes: RouteHandler = (request, response) => {
      const path = pathOf(request)
      if (path !== "/healthz" && path !== "/readyz") return false
      if (!readOnly(request, response)) return true
      if (path === "/healthz") {
        sendJson(response, 200, { status: "alive" })
        return true
      }
      checkReadiness(checks).then(
        (readiness) => sendJson(response, readiness.status === "ready" ? 200 : 503, readiness),
        (error: unknown) => sendJson(response, 503, { status: "not-ready", detail: String(error) })
      )
      return true
    }

    const metrics: RouteHandler = (request, response) => {
      if (pathOf(request) !== "/metrics") return false
      if (!readOnly(request, response)) return true
      collector.sync()
      registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(String(error))
      )
      return true
    }

    return { probes, metrics, registry }
  })
