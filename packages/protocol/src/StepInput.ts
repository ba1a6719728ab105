import type { JsonValue } from "./Primitives.js"

/**
 * The input every step's child task receives from the workflow agent (`@coderclaw/orchestrator`), the
 * contract between workflows and the agents that run their steps:
 *
 * - `input`: the step's `input` with every `{ "$step": … }` reference replaced by the real result of that
 *   step (`null` when the step has no input);
 * - `dependencies`: the result of each step listed in its `dependsOn`, by step id, so an agent can use
 *   what came before without the definition spelling out references.
 */
export interface StepInput {
  readonly workflow: string
  /** The workflow task's id: the parent of this step's task. */
  readonly workflowTaskId: string
  readonly step: string
  readonly input: JsonValue
  readonly dependencies: { readonly [stepId: string]: JsonValue }
}

/** The metadata key naming the step a child task runs, so listings can tell the steps of a workflow apart. */
export const stepMetadataKey = "workflowStep"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The step input of a task started by a workflow, or `undefined` if the task was submitted some other way:
 * lets one agent serve both direct submissions and workflow steps.
 */
export const stepInputOf = (input: JsonValue): StepInput | undefined => {
  if (!isRecord(input)) return undefined
  const { workflow, workflowTaskId, step, dependencies } = input
  if (typeof workflow !== "string" || typeof workflowTaskId !== "string" || typeof step !== "string") return undefined
  if (!isRecord(dependencies) || !("input" in input)) return undefined
  return input as unknown as StepInput
}
