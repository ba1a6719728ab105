import { Context, Metric } from "effect"

/**
 * The WebSocket server's measurements, as Effect `Metric`s in the default registry (like the runtime's, see
 * `RuntimeMetrics` in `@coderclaw/runtime`): a host exports them, e.g. `@coderclaw/gateway` at `/metrics`.
 */
export const TransportMetrics = {
  /** Connections open or in their handshake, over every WebSocket server of the process. */
  connections: Metric.gauge("coderclaw_ws_connections", {
    description: "WebSocket connections open or in their handshake"
  }),
  /** Refused `connect` credentials, by `transport` and `reason` (`invalid_credentials`, `expired`, …). */
  authFailures: Metric.counter("coderclaw_auth_failures_total", {
    description: "Authentication attempts refused",
    incremental: true
  })
} as const

// The server's callbacks are plain functions, not effects: they update the default registry directly.
const defaultContext = Context.empty()

/** A connection opened (+1) or ended (-1). */
export const countConnection = (change: 1 | -1): void =>
  TransportMetrics.connections.modifyUnsafe(change, defaultContext)

/** One refused authentication over `transport`, for `reason`. */
export const countAuthFailure = (transport: string, reason: string): void =>
  Metric.withAttributes(TransportMetrics.authFailures, { transport, reason }).updateUnsafe(1, defaultContext)
