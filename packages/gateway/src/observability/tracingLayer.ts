import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Layer } from "effect"
import type { TracesConfig } from "./ObservabilityConfig.js"

/** The `service.name` of the spans when `serviceName` is not configured. */
export const defaultServiceName = "coderclaw"

/**
 * Effect's tracer backed by OpenTelemetry, sending every span to `spanProcessor`: provide it under the
 * runtime (and the WebSocket server) and their spans (see `spanNames` of `@coderclaw/runtime`) are recorded.
 * The processor is flushed and shut down when the layer's scope closes. Tests pass a `SimpleSpanProcessor`
 * over an `InMemorySpanExporter`; `tracingLayer` is the OTLP one.
 */
export const tracingLayerWith = (spanProcessor: SpanProcessor, serviceName: string = defaultServiceName) =>
  NodeSdk.layer(() => ({ spanProcessor, resource: { serviceName } }))

/** The headers of `config.headersFromEnv`, read from `env`; a variable that is not set sends no header. */
export const headersOf = (
  config: TracesConfig,
  env: Readonly<Record<string, string | undefined>>
): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [header, variable] of Object.entries(config.headersFromEnv ?? {})) {
    const value = env[variable]
    if (value !== undefined && value !== "") headers[header] = value
  }
  return headers
}

/**
 * The tracing of `runtime.yaml`'s `telemetry.traces`: spans batched and sent with OTLP/HTTP to
 * `config.endpoint`, with the headers named in `headersFromEnv` read from `env`. Without a config, no layer
 * (Effect's default tracer: spans stay in memory of their fiber, nothing is exported).
 */
export const tracingLayer = (
  config: TracesConfig | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env
): Layer.Layer<never> => {
  if (config === undefined) return Layer.empty
  const exporter = new OTLPTraceExporter({ url: config.endpoint, headers: headersOf(config, env) })
  return tracingLayerWith(new BatchSpanProcessor(exporter), config.serviceName ?? defaultServiceName)
}
