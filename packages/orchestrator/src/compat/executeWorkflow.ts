import type { CallOptions, JsonValue, RuntimeClient } from "@coderclaw/protocol"
import { runWorkflow, type WorkflowRun } from "../runWorkflow.js"
import { type CreateWorkflowOptions, createWorkflow, type LegacyWorkflowStep } from "./createWorkflow.js"

/** A legacy run: the workflow run, plus the completed steps' results keyed by step id (as the original's map). */
export interface LegacyWorkflowRun extends WorkflowRun {
  readonly results: ReadonlyMap<string, JsonValue>
}

/**
 * Runs original-style steps to the end through any `RuntimeClient`: `createWorkflow` then `runWorkflow`.
 * The original resolved with a map from its internal task ids to output text, and only for steps that ran;
 * this resolves with the whole run, and `results` maps step ids to the steps' real (JSON) results.
 */
export const executeWorkflow = async (
  client: RuntimeClient,
  steps: ReadonlyArray<LegacyWorkflowStep>,
  options: CreateWorkflowOptions & CallOptions = {}
): Promise<LegacyWorkflowRun> => {
  const { signal, ...createOptions } = options
  const run = await runWorkflow(client, createWorkflow(steps, createOptions), signal === undefined ? {} : { signal })
  const results = new Map(
    Object.entries(run.result.steps).flatMap(([id, outcome]) =>
      outcome.status === "completed" && outcome.result !== undefined ? [[id, outcome.result] as const] : []
    )
  )
  return { ...run, results }
}
