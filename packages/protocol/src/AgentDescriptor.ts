import { Schema } from "effect"
import { AgentId, SkillId } from "./Ids.js"
import { BoundedString, JsonValue, Message, NonNegativeInt, PositiveInt } from "./Primitives.js"

/**
 * What an agent accepts as its task input, so a caller can discover it before submitting: a JSON Schema
 * (draft 2020-12, one self-contained object with its `$defs`) of the input, and an example input valid
 * against it. The agent's own decoder stays the final authority.
 */
export const AgentInputDescriptor = Schema.Struct({
  /** The JSON Schema of the input, e.g. `{ type: "object", properties: { path: { type: "string" } } }`. */
  schema: Schema.Record(Schema.String, JsonValue),
  /** An input that is valid against `schema`, to copy and adapt. */
  example: Schema.optionalKey(JsonValue)
})
export type AgentInputDescriptor = typeof AgentInputDescriptor.Type

/** One worker hosting an agent, as `listAgents()` shows it. */
export const AgentHostWorker = Schema.Struct({
  workerId: Schema.String,
  name: Schema.String,
  version: Schema.String,
  /** Attempts the worker could start now. */
  free: NonNegativeInt
})

/**
 * Where an agent runs: in the server's process, on connected workers, or (registered earlier, no worker
 * online) nowhere yet, its tasks waiting `pending`; `queued` counts those.
 */
export const AgentHosting = Schema.Struct({
  inProcess: Schema.Boolean,
  workers: Schema.Array(AgentHostWorker),
  queued: NonNegativeInt
})
export type AgentHosting = typeof AgentHosting.Type

/** What an agent is and may do, as shown to callers by `listAgents()`. */
export const AgentDescriptor = Schema.Struct({
  id: AgentId,
  name: BoundedString(256),
  description: Message,
  /** Free-form capability tags, e.g. `code`, `review`, `shell`. */
  capabilities: Schema.Array(BoundedString(64)),
  /** The skills this agent may call; calls to any other skill are refused. */
  skills: Schema.Array(SkillId),
  /** Most tasks of this agent running at once on one node, if limited. */
  maxConcurrent: Schema.optionalKey(PositiveInt),
  /** The input it accepts: JSON Schema and example. Absent for an agent that did not declare one. */
  input: Schema.optionalKey(AgentInputDescriptor),
  /** Where it runs, for an agent hosted on workers; absent for an agent of the server's own process. */
  hosting: Schema.optionalKey(AgentHosting)
}).annotate({ title: "AgentDescriptor" })
export type AgentDescriptor = typeof AgentDescriptor.Type
