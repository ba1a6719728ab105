import type { RequestMeta } from "@coderclaw/protocol"
import { Effect, Tracer } from "effect"

/** The caller's span named by a W3C `traceparent` (already checked against `TraceParent`). */
export const parentOfTraceparent = (traceparent: string): Tracer.ExternalSpan => {
  const [, traceId = "", spanId = "", flags = "00"] = traceparent.split("-")
  return Tracer.externalSpan({ traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 })
}

/**
 * Runs a request's call in a server span named `ws <method>`: a child of the client's span when the request
 * carried a `traceparent` in `params._meta`, so the client's trace continues through the runtime's spans.
 */
export const withRequestSpan =
  (method: string, meta: RequestMeta | undefined) =>
  <A, E, R>(call: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withSpan(call, `ws ${method}`, {
      kind: "server",
      attributes: { "rpc.system": "jsonrpc", "rpc.method": method },
      ...(meta?.traceparent === undefined ? {} : { parent: parentOfTraceparent(meta.traceparent) })
    })
