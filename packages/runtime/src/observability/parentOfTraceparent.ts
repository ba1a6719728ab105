import { Tracer } from "effect"

/**
 * The caller's span named by a W3C `traceparent` (checked against `TraceParent` of `@coderclaw/protocol`
 * first), as the parent of a server span: `Effect.withSpan(call, name, { parent: parentOfTraceparent(tp) })`.
 * Every transport continues a caller's trace with it.
 */
export const parentOfTraceparent = (traceparent: string): Tracer.ExternalSpan => {
  const [, traceId = "", spanId = "", flags = "00"] = traceparent.split("-")
  return Tracer.externalSpan({ traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 })
}
