import { Schema } from "effect"
import { SkillId } from "./Ids.js"
import { BoundedString, Message } from "./Primitives.js"

/**
 * A named capability agents call (read a file, run a command, call a model endpoint). Every call is
 * authorised against `permissions`; `dangerous` skills may need a person's approval first.
 */
export const SkillDescriptor = Schema.Struct({
  id: SkillId,
  name: BoundedString(256),
  description: Message,
  /** Permissions the calling task's principal must hold, e.g. `skill:execute`. */
  permissions: Schema.Array(BoundedString(64)),
  /** True when the skill can change or leak things outside the task (run commands, write files). */
  dangerous: Schema.Boolean
}).annotate({ title: "SkillDescriptor" })
export type SkillDescriptor = typeof SkillDescriptor.Type
