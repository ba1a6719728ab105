import { Schema } from "effect"
import { NodeId } from "./Ids.js"
import { BoundedString, DurationMs, Message, NonNegativeInt, Timestamp } from "./Primitives.js"

/** How a runtime is deployed; see DESIGN's deployment modes. */
export const DeploymentMode = Schema.Literals(["local-only", "remote-enabled", "distributed-cluster"])
export type DeploymentMode = typeof DeploymentMode.Type

/** The outcome of one health check. */
export const HealthState = Schema.Literals(["ok", "degraded", "failing"])
export type HealthState = typeof HealthState.Type

/** One real check behind `status().health`, e.g. `journal-writable` or `event-loop-lag`. */
export const HealthCheck = Schema.Struct({
  name: BoundedString(64),
  state: HealthState,
  detail: Schema.optionalKey(Message),
  /** The measured figure the state was derived from, when there is one (e.g. lag in ms). */
  observed: Schema.optionalKey(Schema.Finite)
})
export type HealthCheck = typeof HealthCheck.Type

/** Live figures of a runtime node, all measured, none invented. */
export const RuntimeStatus = Schema.Struct({
  version: BoundedString(64),
  protocolVersion: NonNegativeInt,
  mode: DeploymentMode,
  nodeId: NodeId,
  startedAt: Timestamp,
  uptimeMs: DurationMs,
  tasks: Schema.Struct({
    pending: NonNegativeInt,
    planning: NonNegativeInt,
    running: NonNegativeInt,
    waiting: NonNegativeInt,
    completed: NonNegativeInt,
    failed: NonNegativeInt,
    cancelled: NonNegativeInt
  }),
  queueDepth: NonNegativeInt,
  health: Schema.Struct({
    state: HealthState,
    checks: Schema.Array(HealthCheck)
  })
})
export type RuntimeStatus = typeof RuntimeStatus.Type
