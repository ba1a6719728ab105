import type { JsonValue } from "@coderclaw/protocol"
import type { SkillScope } from "../agent/defineSkill.js"

// Room for a command line or a file list; the full input stays in the agent's hands, not the event.
const maxInputChars = 400
const maxSummaryChars = 1_000

/**
 * What a person approving a dangerous skill call reads: who asks, for which skill, where (repository,
 * branch, paths of the call's scope) and with what input (compact JSON, cut short). An approver who cannot
 * see the command is approving blind.
 */
export const approvalSummary = (
  agentId: string,
  skillId: string,
  input: JsonValue,
  scope: SkillScope | undefined
): string => {
  const where = [
    scope?.repository === undefined ? undefined : `repository ${scope.repository}`,
    scope?.branch === undefined ? undefined : `branch ${scope.branch}`,
    scope?.paths === undefined || scope.paths.length === 0 ? undefined : `paths ${scope.paths.join(", ")}`
  ].filter((part) => part !== undefined)
  const json = JSON.stringify(input) ?? "null"
  const shown = json.length > maxInputChars ? `${json.slice(0, maxInputChars)}…` : json
  const summary = `${agentId} wants to run ${skillId}${where.length > 0 ? ` (${where.join("; ")})` : ""} with ${shown}`
  return summary.slice(0, maxSummaryChars)
}
