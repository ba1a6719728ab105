/**
 * The id under which a runtime looks for the agent that runs workflows. `submitWorkflow` submits a task to
 * it; `@coderclaw/orchestrator` provides that agent (register it among the runtime's agents).
 */
export const workflowAgentId = "workflow"
