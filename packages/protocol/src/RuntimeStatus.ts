import { Schema } from "effect"
import { NodeId } from "./Ids.js"
import { BoundedString, DurationMs, Message, NonNegativeInt, Timestamp } from "./Primitives.js"

/** How a runtime is deployed; see DESIGN's deployment modes. */
export const DeploymentMode = Schema.Literals(["local-only", "remote-enabled", "distributed-cluster"]).annotate({
  title: "DeploymentMode"
})
export type DeploymentMode = typeof DeploymentMode.Type

/** The outcome of one health check. */
export const HealthState = Schema.Literals(["ok", "degraded", "failing"]).annotate({ title: "HealthState" })
export type HealthState = typeof HealthState.Type

/** One real check behind `status().health`, e.g. `journal-writable` or `event-loop-lag`. */
export const HealthCheck = Schema.Struct({
  name: BoundedString(64),
  state: HealthState,
  detail: Schema.optionalKey(Message),
  /** The measured figure the state was derived from, when there is one (e.g. lag in ms). */
  observed: Schema.optionalKey(Schema.Finite)
}).annotate({ title: "HealthCheck" })
export type HealthCheck = typeof HealthCheck.Type

/** Live figures of a runtime node, all measured, none invented. */
export const RuntimeStatus = Schema.Struct({
  version: BoundedString(64).annotate({ description: "The runtime package's version." }),
  protocolVersion: NonNegativeInt.annotate({ description: "The highest wire protocol version the node speaks." }),
  mode: DeploymentMode,
  nodeId: NodeId,
  startedAt: Timestamp,
  uptimeMs: DurationMs.annotate({ description: "Milliseconds since `startedAt`." }),
  tasks: Schema.Struct({
    pending: NonNegativeInt,
    planning: NonNegativeInt,
    running: NonNegativeInt,
    waiting: NonNegativeInt,
    completed: NonNegativeInt,
    failed: NonNegativeInt,
    cancelled: NonNegativeInt
  }),
  queueDepth: NonNegativeInt.annotate({ description: "Tasks queued for a running slot." }),
  health: Schema.Struct({
    state: HealthState.annotate({ description: "The worst state among `checks`." }),
    checks: Schema.Array(HealthCheck)
  })
}).annotate({
  title: "RuntimeStatus",
  description:
    "Live figures of a runtime node, all measured, none invented: counts of tasks per status (over the whole journal), the queue of tasks waiting for a slot, and health from real checks."
})
export type RuntimeStatus = typeof RuntimeStatus.Type
