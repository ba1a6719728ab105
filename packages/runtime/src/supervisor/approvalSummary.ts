import type { JsonValue } from "@coderclaw/protocol"
import type { SkillScope } from "../agent/defineSkill.js"

/**
 * The longest input an approval summary shows whole (compact JSON). A summary is a protocol message of at
 * most 4,000 characters; this leaves room for who asks and where. A skill that runs what it is given (such
 * as `shell.run`) refuses inputs longer than this, so what a person approves is all that can run.
 */
export const approvalInputMaxChars = 3_000
// What is left of the summary for "who, which skill, where": the place is cut before the input ever is.
const maxPrefixChars = 900

/**
 * What a person approving a dangerous skill call reads: who asks, for which skill, where (repository,
 * branch, paths of the call's scope) and with what input (compact JSON). The input is never cut short: an
 * input too long to show is not shown at all, and the summary says so, because an approver who sees only
 * the start of a command (`echo …` hiding a trailing `; curl …|sh`) is approving blind.
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
  const prefix = `${agentId} wants to run ${skillId}${where.length > 0 ? ` (${where.join("; ")})` : ""}`
  const shownPrefix = prefix.length > maxPrefixChars ? `${prefix.slice(0, maxPrefixChars)}…)` : prefix
  return json.length > approvalInputMaxChars
    ? `${shownPrefix} with an input of ${json.length} characters, too long to show here (the limit is ${approvalInputMaxChars}): read the task's input before approving`
    : `${shownPrefix} with ${json}`
}
