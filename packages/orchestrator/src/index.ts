/**
 * `@coderclaw/orchestrator`: workflows for the coderClaw runtime. A workflow is a DAG of steps; it runs as
 * one task of the `workflow` agent, each step as its child task, driven by an XState machine that starts
 * ready steps (up to `maxParallel`), passes real results of dependencies into dependents, skips the
 * dependents of a step that did not complete, and survives restarts without re-running finished steps.
 *
 * @packageDocumentation
 */

export {
  AgentOrchestrator,
  AgentOrchestratorError,
  type AgentOrchestratorErrorReason,
  globalOrchestrator,
  type LegacyWorkflow,
  type LegacyWorkflowStatus,
  type LegacyWorkflowTask
} from "./compat/AgentOrchestrator.js"
export {
  type CreateWorkflowOptions,
  createWorkflow,
  type LegacyWorkflowStep,
  UnknownDependency
} from "./compat/createWorkflow.js"
export { executeWorkflow, type LegacyWorkflowRun } from "./compat/executeWorkflow.js"
export { createBugFixWorkflow, createFeatureWorkflow, createRefactorWorkflow } from "./compat/legacyPatterns.js"
export { type AdversarialReviewRole, adversarialReviewWorkflow } from "./patterns/adversarialReviewWorkflow.js"
export { type BugfixRole, bugfixWorkflow } from "./patterns/bugfixWorkflow.js"
export { type FeatureRole, featureWorkflow } from "./patterns/featureWorkflow.js"
export type { PatternOptions } from "./patterns/PatternOptions.js"
export { type PatternName, patterns } from "./patterns/patterns.js"
export { type PlanningRole, planningWorkflow } from "./patterns/planningWorkflow.js"
export { type RefactorRole, refactorWorkflow } from "./patterns/refactorWorkflow.js"
export { type SecurityAuditRole, securityAuditWorkflow } from "./patterns/securityAuditWorkflow.js"
export { awaitWorkflow, runWorkflow, runWorkflowWith, type WorkflowRun } from "./runWorkflow.js"
export { type StepInput, stepInputOf, stepMetadataKey } from "./StepInput.js"
export { resolveReferences, type StepReference, validateReferences } from "./stepReference.js"
export { type StepOutcome, type WorkflowResult, workflowOutputName, workflowResultOf } from "./WorkflowResult.js"
export { type WorkflowAgentOptions, workflowAgent } from "./workflowAgent.js"
export {
  initialWorkflowContext,
  readySteps,
  runningSteps,
  type StepError,
  type StepState,
  type StepStatus,
  type WorkflowEvent,
  type WorkflowMachine,
  type WorkflowMachineContext,
  type WorkflowMachineInput,
  workflowMachine
} from "./workflowMachine.js"
