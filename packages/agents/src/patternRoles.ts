import type { AgentDefinition } from "@coderclaw/runtime"
import { codeSearchId } from "./agents/codeSearch.js"
import { gitChangesId } from "./agents/gitChanges.js"
import { llmAgentId } from "./agents/llmAgent.js"
import { repoScannerId } from "./agents/repoScanner.js"
import { reviewerId } from "./agents/reviewer.js"
import { testRunnerId } from "./agents/testRunner.js"

/**
 * The roles of `@coderclaw/orchestrator`'s patterns (and of its original-API pattern functions) that a built-in agent
 * serves without a model, and which agent does: the architecture step gets a repository report, the
 * analysis step the places the bug text names, the code/refactor step the working tree's changes, the
 * tests step a real test run, the review and scan steps a static review.
 */
export const offlineRoleAgents: Readonly<Record<string, string>> = {
  architect: repoScannerId,
  analyst: codeSearchId,
  coder: gitChangesId,
  refactorer: gitChangesId,
  tester: testRunnerId,
  reviewer: reviewerId,
  scanner: reviewerId,
  "threat-modeler": repoScannerId,
  "architecture-advisor": repoScannerId,
  "bug-analyzer": codeSearchId,
  "code-creator": gitChangesId,
  "refactor-agent": gitChangesId,
  "test-generator": testRunnerId,
  "code-reviewer": reviewerId
}

/** The roles only a model can play (writing a proposal, a critique, a synthesis, a plan): the `llm` agent. */
export const llmRoleAgents: Readonly<Record<string, string>> = {
  proposer: llmAgentId,
  critic: llmAgentId,
  synthesizer: llmAgentId,
  planner: llmAgentId
}

/**
 * Role → agent id for the orchestrator's patterns: pass it as `agents` (e.g.
 * `featureWorkflow("…", { agents: roleAgentIds() })`) or as `roles` of `executeWorkflow`. With
 * `{ llm: true }` the generative roles go to the `llm` agent; without, patterns that need them
 * (planning, adversarial review) are refused at submission with `AgentNotFound`.
 */
export const roleAgentIds = (options: { readonly llm?: boolean } = {}): Readonly<Record<string, string>> => ({
  ...offlineRoleAgents,
  ...(options.llm === true ? llmRoleAgents : {})
})

/**
 * The same agents registered once more under the role ids (`architect`, `tester`, …), so the patterns run
 * without an `agents` mapping (a role left out runs on the agent whose id is the role's name). Roles whose
 * agent is not among `agents`, or whose id is taken, are skipped.
 */
export const roleAliases = (
  agents: ReadonlyArray<AgentDefinition>,
  roles: Readonly<Record<string, string>>
): ReadonlyArray<AgentDefinition> => {
  const byId = new Map(agents.map((agent) => [agent.descriptor.id, agent]))
  return Object.entries(roles).flatMap(([role, agentId]) => {
    const agent = byId.get(agentId)
    if (agent === undefined || byId.has(role)) return []
    return [
      {
        descriptor: {
          ...agent.descriptor,
          id: role,
          name: `${agent.descriptor.name} (as ${role})`,
          description: `The ${role} role of workflow patterns, played by ${agentId}: ${agent.descriptor.description}`
        },
        run: agent.run,
        ...(agent.input === undefined ? {} : { input: agent.input })
      }
    ]
  })
}
