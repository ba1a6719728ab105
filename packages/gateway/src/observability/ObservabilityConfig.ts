import { Schema } from "effect"

const EnvName = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z_][A-Za-z0-9_]*$/, { expected: "an environment variable name" }))
)

const HeaderName = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { expected: "an HTTP header name" }))
)

/**
 * `telemetry.traces` of `runtime.yaml`: export the server's spans with OTLP over HTTP (JSON payloads),
 * e.g. to an OpenTelemetry Collector, Jaeger or Tempo. Off without this section. Header values (API keys)
 * are never written in the file: `headersFromEnv` maps each header to the environment variable holding it.
 */
export const TracesConfig = Schema.Struct({
  /** The OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. */
  endpoint: Schema.String.pipe(
    Schema.check(Schema.isPattern(/^https?:\/\/[^\s]+$/, { expected: "an http:// or https:// URL" }))
  ),
  /** The `service.name` resource attribute. Default `coderclaw`. */
  serviceName: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(128)))),
  /** Headers sent with every export, by name, each read from the named environment variable. */
  headersFromEnv: Schema.optionalKey(Schema.Record(HeaderName, EnvName))
})
export type TracesConfig = typeof TracesConfig.Type

/**
 * `telemetry.metrics` of `runtime.yaml`: where `/metrics` (Prometheus text format) is served. It is not
 * served on the main port: metrics name agents and counts of refusals an outsider should not read, and a
 * Prometheus server scrapes best without a session that expires. Bind it to an address only the monitoring
 * network reaches (default `127.0.0.1`).
 */
export const MetricsConfig = Schema.Struct({
  /** The interface the metrics listener binds. Default `127.0.0.1`. */
  host: Schema.optionalKey(Schema.String.pipe(Schema.check(Schema.isMinLength(1)))),
  /** The port of the metrics listener; `0` picks a free one. */
  port: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThanOrEqualTo(65_535)))
})
export type MetricsConfig = typeof MetricsConfig.Type

/** `telemetry` of `runtime.yaml`: metrics and traces, each off unless configured. */
export const TelemetryConfig = Schema.Struct({
  metrics: Schema.optionalKey(MetricsConfig),
  traces: Schema.optionalKey(TracesConfig)
})
export type TelemetryConfig = typeof TelemetryConfig.Type
