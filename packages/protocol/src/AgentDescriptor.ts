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
  maxConcurrent: Schema.optionalKey(PositiveInt)
}).annotate({ title: "AgentDescriptor" })
export type AgentDescriptor = typeof AgentDescriptor.Type
