import type { LegacyWorkflowStep } from "./createWorkflow.js"

/*
 * The original orchestrator's three pattern helpers, with its roles and task texts. Each step names the
 * step before it by its task text, which `createWorkflow` resolves, so `createWorkflow(createXxxWorkflow(…))`
 * runs in order. Register agents under these role ids, or map the roles with `createWorkflow`'s `roles`.
 */

/** Feature delivery: architecture-advisor → code-creator → test-generator → code-reviewer. */
export const createFeatureWorkflow = (featureDescription: string): Array<LegacyWorkflowStep> => {
  const architecture = `Analyze the architecture for implementing: ${featureDescription}`
  const implement = `Implement the feature: ${featureDescription}`
  const tests = `Generate tests for: ${featureDescription}`
  return [
    { role: "architecture-advisor", task: architecture },
    { role: "code-creator", task: implement, dependsOn: [architecture] },
    { role: "test-generator", task: tests, dependsOn: [implement] },
    { role: "code-reviewer", task: `Review the implementation of: ${featureDescription}`, dependsOn: [tests] }
  ]
}

/** Bug fix: bug-analyzer → code-creator → test-generator → code-reviewer. */
export const createBugFixWorkflow = (bugDescription: string): Array<LegacyWorkflowStep> => {
  const diagnose = `Diagnose and propose fix for: ${bugDescription}`
  const fix = `Implement the fix for: ${bugDescription}`
  const tests = `Generate regression tests for: ${bugDescription}`
  return [
    { role: "bug-analyzer", task: diagnose },
    { role: "code-creator", task: fix, dependsOn: [diagnose] },
    { role: "test-generator", task: tests, dependsOn: [fix] },
    { role: "code-reviewer", task: `Review the bug fix for: ${bugDescription}`, dependsOn: [tests] }
  ]
}

/** Refactoring: code-reviewer → refactor-agent → test-generator. */
export const createRefactorWorkflow = (scope: string): Array<LegacyWorkflowStep> => {
  const identify = `Identify refactoring opportunities in: ${scope}`
  const refactor = `Refactor code in: ${scope}`
  return [
    { role: "code-reviewer", task: identify },
    { role: "refactor-agent", task: refactor, dependsOn: [identify] },
    { role: "test-generator", task: `Ensure test coverage for refactored code in: ${scope}`, dependsOn: [refactor] }
  ]
}
