import { createFeatureWorkflow, executeWorkflow } from "@coderclaw/orchestrator"
import type { RuntimeClient } from "@coderclaw/protocol"

// Code written for the original orchestrator: role/task steps that name their dependencies by task text.
export const deliver = async (client: RuntimeClient, feature: string) => {
  const run = await executeWorkflow(client, createFeatureWorkflow(feature), {
    roles: { "architecture-advisor": "architect", "code-creator": "coder" } // unmapped roles are agent ids
  })
  return run.results // step id → that step's real result, e.g. "step-1" → the architecture
}
