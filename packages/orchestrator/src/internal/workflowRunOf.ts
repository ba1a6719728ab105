import { type JsonValue, makeDecoder, type TaskRecord, WorkflowDefinition } from "@coderclaw/protocol"
import { Result } from "effect"
import { stepMetadataKey } from "../StepInput.js"
import type { StepOutcome, WorkflowResult } from "../WorkflowResult.js"

const decodeDefinition = makeDecoder(WorkflowDefinition, "workflow")

/**
 * The result of an ended workflow task. A completed workflow's result is its task result; a failed one
 * recorded it as its `workflow` output. When there is neither (the workflow was cancelled, or failed before
 * it could say), it is rebuilt from the step tasks themselves, found by their step metadata.
 */
export const workflowResultFor = (
  task: TaskRecord,
  output: JsonValue | undefined,
  children: ReadonlyArray<TaskRecord>
): WorkflowResult => {
  if (task.status === "completed" && task.result !== undefined) return task.result as unknown as WorkflowResult
  if (task.status === "failed" && output !== undefined) return output as unknown as WorkflowResult
  const decoded = decodeDefinition(task.input)
  const stepIds = Result.isSuccess(decoded) ? decoded.success.steps.map((step) => step.id) : []
  const byStep = new Map(children.map((child) => [String(child.metadata[stepMetadataKey]), child]))
  const why = task.status === "cancelled" ? "the workflow was cancelled" : "the workflow failed"
  return {
    name: task.description,
    status: task.status === "cancelled" ? "cancelled" : "failed",
    steps: Object.fromEntries(
      stepIds.map((id): [string, StepOutcome] => {
        const child = byStep.get(id)
        if (child === undefined) return [id, { status: "skipped", reason: why }]
        switch (child.status) {
          case "completed":
            return [id, { status: "completed", taskId: child.id, result: child.result ?? null }]
          case "failed":
            return [
              id,
              { status: "failed", taskId: child.id, ...(child.error === undefined ? {} : { error: child.error }) }
            ]
          case "cancelled":
            return [id, { status: "cancelled", taskId: child.id, reason: why }]
          default:
            return [id, { status: "running", taskId: child.id }]
        }
      })
    )
  }
}
