import type { Metadata, WorkflowDefinition } from "@coderclaw/protocol"

/**
 * How to instantiate a built-in pattern. Each step of a pattern names a role (`architect`, `coder`, …);
 * `agents` maps roles to the ids of the agents registered in your runtime, and a role left out runs on the
 * agent whose id is the role's name.
 */
export interface PatternOptions<Role extends string> {
  readonly agents?: Partial<Record<Role, string>>
  /** The workflow's name; default the pattern's name and subject. */
  readonly name?: string
  /** Default `fail-fast`: in these chains every step needs the one before it. */
  readonly failurePolicy?: WorkflowDefinition["failurePolicy"]
  readonly maxParallel?: number
  /** Attempts each step's task gets (the runtime's default when absent). */
  readonly maxAttempts?: number
  /** A deadline for each step's task. */
  readonly stepTimeoutMs?: number
  readonly metadata?: Metadata
}
