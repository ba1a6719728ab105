/**
 * `@coderclaw/gateway`: the coderClaw runtime over HTTP. Observability: `/healthz` and `/readyz` probes,
 * Prometheus `/metrics` (the runtime's and transports' Effect metrics exported with prom-client), and
 * OpenTelemetry tracing of the runtime's spans with an OTLP/HTTP exporter.
 *
 * @packageDocumentation
 */

export { countWebhookDelivery, GatewayMetrics } from "./observability/GatewayMetrics.js"
export { listenMetrics, type MetricsListener } from "./observability/listenMetrics.js"
export {
  makeObservability,
  type Observability,
  type ObservabilityOptions,
  type RouteHandler
} from "./observability/makeObservability.js"
export {
  MetricsConfig,
  TelemetryConfig,
  TracesConfig
} from "./observability/ObservabilityConfig.js"
export { checkReadiness, type Readiness, type ReadinessCheck } from "./observability/ReadinessCheck.js"
export { defaultServiceName, headersOf, tracingLayer, tracingLayerWith } from "./observability/tracingLayer.js"
