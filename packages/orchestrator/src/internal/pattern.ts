import type { JsonValue, WorkflowDefinition, WorkflowStep } from "@coderclaw/protocol"
import type { PatternOptions } from "../patterns/PatternOptions.js"

/** One step of a built-in pattern, naming a role instead of an agent. */
export interface PatternStep<Role extends string> {
  readonly id: string
  readonly role: Role
  readonly description: string
  readonly input: JsonValue
  readonly dependsOn?: ReadonlyArray<string>
}

/** A pattern's steps as a definition, with each role mapped to the agent the caller chose for it. */
export const pattern = <Role extends string>(
  name: string,
  steps: ReadonlyArray<PatternStep<Role>>,
  options: PatternOptions<Role>
): WorkflowDefinition => ({
  name: options.name ?? name,
  failurePolicy: options.failurePolicy ?? "fail-fast",
  ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
  ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  steps: steps.map(
    (step): WorkflowStep => ({
      id: step.id,
      agentId: options.agents?.[step.role] ?? step.role,
      description: step.description,
      input: step.input,
      ...(step.dependsOn === undefined ? {} : { dependsOn: step.dependsOn }),
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.stepTimeoutMs === undefined ? {} : { timeoutMs: options.stepTimeoutMs })
    })
  )
})
