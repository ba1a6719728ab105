import { type OutputUnit, type SchemaDraft, Validator } from "@cfworker/json-schema"
import type { AgentDescriptor } from "@coderclaw/protocol"
import { CliError } from "../cli/CliError.js"

/** One problem with an input: where (`name`, `items[2].path`, or `(input)` for the whole value) and what. */
export interface InputIssue {
  readonly field: string
  readonly message: string
}

// Keywords that only say "a part below did not match": the part's own error says what and where.
const aggregate = new Set([
  "properties",
  "patternProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "allOf",
  "$ref",
  "dependentSchemas",
  "false"
])

const drafts: ReadonlyArray<SchemaDraft> = ["4", "7", "2019-09", "2020-12"]

const draftOf = (schema: Record<string, unknown>): SchemaDraft => {
  const declared = typeof schema.$schema === "string" ? schema.$schema : ""
  return (
    drafts.find((draft) => declared.includes(draft === "4" || draft === "7" ? `draft-0${draft}` : draft)) ?? "2020-12"
  )
}

/** `#/items/2/path` as `items[2].path`; the root as `(input)`. */
const fieldOf = (unit: OutputUnit): string => {
  const keys = unit.instanceLocation
    .replace(/^#\/?/, "")
    .split("/")
    .filter((key) => key.length > 0)
    .map((key) => decodeURIComponent(key).replaceAll("~1", "/").replaceAll("~0", "~"))
  if (keys.length === 0) return "(input)"
  return keys.map((key, at) => (/^\d+$/.test(key) ? `[${key}]` : at === 0 ? key : `.${key}`)).join("")
}

/** The problems of `input` against the agent's input schema; none when the agent does not describe its input. */
export const inputIssues = (agent: AgentDescriptor, input: unknown): ReadonlyArray<InputIssue> => {
  if (agent.input === undefined) return []
  const schema = agent.input.schema
  const result = new Validator(schema as never, draftOf(schema), false).validate(input)
  if (result.valid) return []
  const issues = result.errors
    .filter((unit) => !aggregate.has(unit.keyword))
    .map((unit) => ({ field: fieldOf(unit), message: unit.error }))
  // A schema made only of aggregates still refused the input: say so rather than nothing.
  return issues.length > 0 ? issues : [{ field: "(input)", message: result.errors[0]?.error ?? "does not match" }]
}

/**
 * Checks a task's input against the agent's input schema before it is submitted: a usage error (exit 2)
 * naming each field and the schema's message, with the example input as the hint when there is one.
 */
export const checkAgentInput = (agent: AgentDescriptor, input: unknown): void => {
  const issues = inputIssues(agent, input)
  if (issues.length === 0) return
  const example = agent.input?.example
  throw new CliError({
    reason: "Usage",
    message: `the input does not match ${agent.id}'s input schema:\n${issues.map((issue) => `  ${issue.field}: ${issue.message}`).join("\n")}`,
    hint:
      example === undefined
        ? `see the schema with \`coderclaw agents ${agent.id}\``
        : `for example: coderclaw submit ${agent.id} '${JSON.stringify(example)}' (schema: \`coderclaw agents ${agent.id}\`)`,
    details: { agentId: agent.id, issues }
  })
}
