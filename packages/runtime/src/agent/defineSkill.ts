import type { JsonValue, Principal, SkillDescriptor, TaskId } from "@coderclaw/protocol"
import type { Effect } from "effect"

/**
 * Where a skill call acts, when it acts on a repository: policies decide on the repository, the
 * repository-relative paths and the branch (protected paths and branches, per-repository rules).
 */
export interface SkillScope {
  readonly repository?: string
  readonly paths?: ReadonlyArray<string>
  readonly branch?: string
}

/** Who is calling a skill: the task and the principal that owns it, and where the call acts. */
export interface SkillCall {
  readonly taskId: TaskId
  readonly agentId: string
  readonly principal: Principal
  readonly scope?: SkillScope
}

/** A skill: its descriptor and its work. Register it in the runtime's `skills`. */
export interface SkillDefinition {
  readonly descriptor: SkillDescriptor
  readonly run: (input: JsonValue, call: SkillCall) => Effect.Effect<JsonValue, unknown>
}

/** Defines a skill. `permissions` default to `["skill:execute"]`, `dangerous` to false. */
export const defineSkill = (
  definition: Omit<SkillDescriptor, "permissions" | "dangerous" | "description"> & {
    readonly description?: string
    readonly permissions?: ReadonlyArray<string>
    readonly dangerous?: boolean
    readonly run: SkillDefinition["run"]
  }
): SkillDefinition => {
  const { run, ...descriptor } = definition
  return {
    descriptor: {
      ...descriptor,
      description: descriptor.description ?? descriptor.name,
      permissions: descriptor.permissions ?? ["skill:execute"],
      dangerous: descriptor.dangerous ?? false
    },
    run
  }
}
