import type { JsonValue } from "@coderclaw/protocol"
import type { StepError, StepStatus, WorkflowMachineContext } from "./workflowMachine.js"

/** How one step ended (or where it stood when the workflow ended). */
export interface StepOutcome {
  readonly status: StepStatus
  /** The child task that ran the step; absent for steps that never started. */
  readonly taskId?: string
  /** The step's result, when it completed. */
  readonly result?: JsonValue
  /** The step's error, when it failed. */
  readonly error?: StepError
  /** Why the step was skipped or cancelled, naming the step that caused it. */
  readonly reason?: string
}

/**
 * What a workflow produced: its status and every step's outcome, keyed by step id in definition order.
 * It is the result of a completed workflow task, and the `workflow` output of a failed one.
 */
export interface WorkflowResult {
  readonly name: string
  readonly status: "completed" | "failed" | "cancelled"
  readonly steps: { readonly [stepId: string]: StepOutcome }
}

/** The name of the output a failed workflow task records its `WorkflowResult` under. */
export const workflowOutputName = "workflow"

/** The result of a workflow machine context in its final state. */
export const workflowResultOf = (
  context: WorkflowMachineContext,
  status: WorkflowResult["status"]
): WorkflowResult => ({
  name: context.name,
  status,
  steps: Object.fromEntries(
    context.order.flatMap((id) => {
      const step = context.steps[id]
      if (step === undefined) return []
      const outcome: StepOutcome = {
        status: step.status,
        ...(step.taskId === undefined ? {} : { taskId: step.taskId }),
        ...(step.result === undefined ? {} : { result: step.result }),
        ...(step.error === undefined ? {} : { error: step.error }),
        ...(step.reason === undefined ? {} : { reason: step.reason })
      }
      return [[id, outcome]]
    })
  )
})
