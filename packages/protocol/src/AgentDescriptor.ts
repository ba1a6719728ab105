import { Schema } from "effect"
import { AgentId, SkillId } from "./Ids.js"
import { BoundedString, Message, PositiveInt } from "./Primitives.js"

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
  /**
   * The input it accepts, for callers to show and to check before submitting: a JSON Schema object and,
   * optionally, an example input. Absent when the agent does not describe its input.
   */
  input: Schema.optionalKey(
    Schema.Struct({
      schema: Schema.Record(Schema.String, Schema.Unknown),
      example: Schema.optionalKey(Schema.Unknown)
    })
  )
})
export type AgentDescriptor = typeof AgentDescriptor.Type
