/**
 * `@coderclaw/gateway`: the coderClaw runtime over HTTP. An HTTP route seam (`HttpRoute`, `httpRouter`) that
 * a server mounts beside its WebSocket upgrades; the A2A 1.0 route group (`a2aGateway`): the agent card,
 * JSON-RPC + SSE and HTTP+JSON bindings answered by the durable runtime, behind the same authentication,
 * authorization and audit as every other transport; and observability: `/healthz` and `/readyz` probes,
 * Prometheus `/metrics` (the runtime's and transports' Effect metrics exported with prom-client) and
 * OpenTelemetry tracing of the runtime's spans with an OTLP/HTTP exporter.
 *
 * @packageDocumentation
 */
export { type A2aGatewayOptions, a2aGateway } from "./A2aGateway.js"
export { type A2aRoutesOptions, a2aRoutes, agentCardPath } from "./a2a/a2aRoutes.js"
export { a2aTaskState, isInterrupted, statusesOf } from "./a2a/a2aTaskState.js"
export { jsonRpcWireMethod, restWireMethod } from "./a2a/a2aWireMethod.js"
export { type AgentCardOptions, a2aPaths, agentCard, inputSchemaExtensionUri } from "./a2a/agentCard.js"
export { GatewayUser } from "./a2a/GatewayUser.js"
export { RuntimeRequestHandler, type RuntimeRequestHandlerOptions } from "./a2a/RuntimeRequestHandler.js"
export { contextIdOf, TaskView } from "./a2a/TaskView.js"
export { bearerToken } from "./auth/bearerToken.js"
export { HttpAuthentication, type HttpAuthenticationOptions, type HttpRefusal } from "./auth/HttpAuthentication.js"
export type { HttpRoute } from "./http/HttpRoute.js"
export { type HttpRouter, httpRouter } from "./http/httpRouter.js"
export { type JsonErrorBody, sendJsonError } from "./http/sendJsonError.js"
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
