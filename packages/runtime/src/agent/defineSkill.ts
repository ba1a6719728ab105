import type { JsonValue, LogLevel, Principal, SkillDescriptor, TaskId } from "@coderclaw/protocol"
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

/**
 * Who is calling a skill (the task and the principal that owns it, and where the call acts), and how the
 * skill reports while it runs: its progress, outputs and log lines become events of the calling task.
 */
export interface SkillCall {
  readonly taskId: TaskId
  readonly agentId: string
  readonly principal: Principal
  readonly scope?: SkillScope
  /** Reports progress of the calling task, 0–100 (clamped), with an optional message. */
  progress(percent: number, message?: string): Effect.Effect<void>
  /** Records a named output of the calling task (e.g. a chunk of a command's output). */
  output(name: string, value: JsonValue, mimeType?: string): Effect.Effect<void>
  /** Writes a log line to the calling task's history. */
  log(level: LogLevel, message: string): Effect.Effect<void>
  /**
   * Of these repository-relative paths (in the call's repository), the ones this call may not touch: the
   * authorizer decides on each as it decided on the call, with the path in place of the scope's `paths`
   * (so protected paths are refused). A skill that reads, lists or searches more than its scope names asks
   * before touching anything. Answered in batches, so a walk asks once per directory level, not per file.
   * Absent when the skill runs outside a runtime.
   */
  readonly refusedPaths?: (paths: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>>
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
