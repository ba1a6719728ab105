import type { RequestMeta } from "@coderclaw/protocol"
import { parentOfTraceparent } from "@coderclaw/runtime"
import { Effect } from "effect"

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
