import { Schema } from "effect"

/**
 * W3C Trace Context `traceparent` (version `00`): `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`.
 * An all-zero trace or span id is invalid, as the W3C recommendation says.
 */
export const TraceParent = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/, {
      expected: "a W3C traceparent, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    })
  )
).annotate({ title: "TraceParent" })

/**
 * Metadata a client may attach to any request after `connect`, as `params._meta` (the member name MCP uses
 * for the same purpose). It is not part of the method's own params: the server takes it out before checking
 * them, so every method accepts it. `traceparent` continues the caller's trace in the server:
 * the server's span of the call (and the task spans under it) become children of `traceparent`.
 */
export const RequestMeta = Schema.Struct({
  traceparent: Schema.optionalKey(TraceParent),
  /** W3C `tracestate`: accepted with `traceparent`; the server does not read it (vendor state stays the caller's). */
  tracestate: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMaxLength(512))))
}).annotate({ title: "RequestMeta" })
export type RequestMeta = typeof RequestMeta.Type

/** The key under `params` that holds a request's `RequestMeta`. */
export const requestMetaKey = "_meta"
