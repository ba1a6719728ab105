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

// Characters that change how a text looks without being seen: bidirectional overrides and isolates (which
// can display `hs|lruc` for `curl|sh`), zero-width characters, other C1 controls. JSON escapes C0 controls
// already; these are shown as `\uXXXX` so the approver sees exactly what runs.
const invisibleRanges: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0x9f],
  [0xad, 0xad],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb]
]
const visible = (text: string) =>
  text.replace(/[\u0080-\uffff]/g, (char) => {
    const code = char.charCodeAt(0)
    return invisibleRanges.some(([low, high]) => code >= low && code <= high)
      ? `\\u${code.toString(16).padStart(4, "0")}`
      : char
  })

/**
 * What a person approving a dangerous skill call reads: who asks, for which skill, where (repository,
 * branch, paths of the call's scope) and with what input (compact JSON). The input is never cut short: an
 * input too long to show is not shown at all, and the summary says so, because an approver who sees only
 * the start of a command (`echo …` hiding a trailing `; curl …|sh`) is approving blind. Characters that
 * would change how the text looks without being seen (bidirectional overrides, zero-width characters) are
 * shown escaped.
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
  const json = visible(JSON.stringify(input) ?? "null")
  const prefix = visible(`${agentId} wants to run ${skillId}${where.length > 0 ? ` (${where.join("; ")})` : ""}`)
  const shownPrefix = prefix.length > maxPrefixChars ? `${prefix.slice(0, maxPrefixChars)}…)` : prefix
  return json.length > approvalInputMaxChars
    ? `${shownPrefix} with an input of ${json.length} characters, too long to show here (the limit is ${approvalInputMaxChars}): read the task's input before approving`
    : `${shownPrefix} with ${json}`
}
