import { Schema } from "effect"
import { AgentId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { Metadata } from "./Metadata.js"
import { BoundedString, DurationMs, JsonValue, PositiveInt } from "./Primitives.js"

/** A step id inside one workflow, e.g. `tests`. */
export const StepId = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z][A-Za-z0-9_-]*$/u, { expected: "a step id: a letter, then letters, digits, _ or -" }),
    Schema.isMaxLength(64)
  )
)

/** One step of a workflow: a child task on `agentId`, started once every step in `dependsOn` completed. */
export const WorkflowStep = Schema.Struct({
  id: StepId,
  agentId: AgentId,
  description: BoundedString(Limits.descriptionMaxLength),
  input: Schema.optionalKey(
    JsonValue.annotate({
      description: "The step's input; may refer to earlier steps' results (see docs/orchestrator.md)."
    })
  ),
  dependsOn: Schema.optionalKey(
    Schema.Array(StepId).annotate({ description: "Steps that must complete first. Default: none (starts at once)." })
  ),
  maxAttempts: Schema.optionalKey(PositiveInt.annotate({ description: "As `SubmitRequest.maxAttempts`." })),
  timeoutMs: Schema.optionalKey(DurationMs.annotate({ description: "As `SubmitRequest.timeoutMs`." }))
}).annotate({
  title: "WorkflowStep",
  description: "One step of a workflow: a child task on `agentId`, started once every step in `dependsOn` completed."
})
export type WorkflowStep = typeof WorkflowStep.Type

/**
 * A workflow: a DAG of steps run as child tasks of one workflow task. `failurePolicy` says whether a failed
 * step stops everything (`fail-fast`) or only its dependents (`continue`).
 */
export const WorkflowDefinition = Schema.Struct({
  name: BoundedString(256),
  steps: Schema.Array(WorkflowStep).pipe(
    Schema.check(Schema.isMinLength(1), Schema.isMaxLength(Limits.workflowMaxSteps))
  ),
  failurePolicy: Schema.optionalKey(
    Schema.Literals(["fail-fast", "continue"]).annotate({
      description: "What a failed step stops: everything (`fail-fast`) or only its dependents (`continue`).",
      default: "fail-fast"
    })
  ),
  maxParallel: Schema.optionalKey(
    PositiveInt.annotate({ description: "Most steps running at once. Default: no limit beyond the runtime's." })
  ),
  metadata: Schema.optionalKey(Metadata)
}).annotate({
  title: "WorkflowDefinition",
  description:
    "A workflow: a DAG of steps run as child tasks of one workflow task. `failurePolicy` says whether a failed step stops everything (`fail-fast`, the default) or only its dependents (`continue`)."
})
export type WorkflowDefinition = typeof WorkflowDefinition.Type
