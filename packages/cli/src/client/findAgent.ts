import type { AgentDescriptor } from "@coderclaw/protocol"
import { failedError } from "../cli/CliError.js"
import { didYouMean } from "../cli/didYouMean.js"

/**
 * The agent with this id among those the server lists; otherwise not found, as the server would say it
 * (exit 1, `AGENT_NOT_FOUND`), with the closest id as a hint.
 */
export const findAgent = (agents: ReadonlyArray<AgentDescriptor>, id: string): AgentDescriptor => {
  const agent = agents.find((candidate) => candidate.id === id)
  if (agent !== undefined) return agent
  throw failedError(`no agent ${id} on this server`, {
    hint: didYouMean(
      id,
      agents.map((candidate) => candidate.id),
      "coderclaw agents"
    ),
    code: "AGENT_NOT_FOUND"
  })
}
