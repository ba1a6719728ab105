import type { WorkflowDefinition, WorkflowStep } from "@coderclaw/protocol"

/**
 * A step as the original coderClaw orchestrator took it: a role (the agent), the task (its text, also its
 * input), and the steps it depends on. `id` is ours and optional: without it, a step's id is `step-<n>`
 * (its position, from 1).
 */
export interface LegacyWorkflowStep {
  readonly role: string
  readonly task: string
  readonly dependsOn?: ReadonlyArray<string>
  readonly id?: string
}

/** Options of `createWorkflow`. */
export interface CreateWorkflowOptions {
  /** The workflow's name; default `workflow`. */
  readonly name?: string
  /** Maps a role to the agent id that plays it; a role left out runs on the agent whose id is the role. */
  readonly roles?: Readonly<Record<string, string>>
  /** Default `continue`, like the original, which ran every branch it could. */
  readonly failurePolicy?: WorkflowDefinition["failurePolicy"]
  readonly maxParallel?: number
}

/** Thrown by `createWorkflow` for a dependency that names no step, by id or by task text. */
export class UnknownDependency extends Error {
  readonly _tag = "UnknownDependency"
  constructor(
    readonly step: string,
    readonly dependency: string
  ) {
    super(`step '${step}' depends on '${dependency}', which is neither a step id nor the task text of a step`)
  }
}

/**
 * Turns the original orchestrator's `{ role, task, dependsOn }` steps into a `WorkflowDefinition` to run
 * with `runWorkflow` (or submit with `submitWorkflow`). A `dependsOn` entry names a step by its id or, as
 * in the original, by its exact task text; one that matches nothing throws `UnknownDependency` (the
 * original dropped it silently and ran the step too early). Each step's task text is its description and
 * its input (`{ task }`); its dependencies' real results reach it as `dependencies` in its step input.
 */
export const createWorkflow = (
  steps: ReadonlyArray<LegacyWorkflowStep>,
  options: CreateWorkflowOptions = {}
): WorkflowDefinition => {
  const ids = steps.map((step, index) => step.id ?? `step-${index + 1}`)
  const byId = new Set(ids)
  const resolve = (step: string, dependency: string): string => {
    if (byId.has(dependency)) return dependency
    const index = steps.findIndex((candidate) => candidate.task === dependency)
    const id = ids[index]
    if (id === undefined) throw new UnknownDependency(step, dependency)
    return id
  }
  return {
    name: options.name ?? "workflow",
    failurePolicy: options.failurePolicy ?? "continue",
    ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
    steps: steps.map((step, index): WorkflowStep => {
      const id = ids[index] ?? `step-${index + 1}`
      return {
        id,
        agentId: options.roles?.[step.role] ?? step.role,
        description: step.task,
        input: { task: step.task },
        ...(step.dependsOn === undefined || step.dependsOn.length === 0
          ? {}
          : { dependsOn: step.dependsOn.map((dependency) => resolve(id, dependency)) })
      }
    })
  }
}
