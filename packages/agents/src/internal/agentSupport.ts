import { type JsonValue, type StepInput, stepInputOf } from "@coderclaw/protocol"
import { type AgentContext, AgentFailure, type SkillScope } from "@coderclaw/runtime"
import { Effect, type Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import { inputDecoder, lenientInputDecoder } from "./decodeInput.js"
import { normalizeRelative } from "./paths.js"

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A decoded agent input, and the workflow step it came from, if any. */
export interface AgentInput<A> {
  readonly request: A
  readonly step: StepInput | undefined
}

/**
 * Decodes an agent's input. Submitted directly, the input must match the schema exactly (`null` counts as
 * `{}`); as a workflow step, the step's own input is decoded with the keys the agent does not know (the
 * pattern's `feature`, `bug`, earlier results…) ignored. Bad input fails the task at once with
 * `INVALID_INPUT`.
 */
export const agentInputDecoder = <S extends Schema.Decoder<unknown>>(schema: S, agentId: string) => {
  const strict = inputDecoder(schema, `${agentId} input`)
  const lenient = lenientInputDecoder(schema, `${agentId} step input`)
  return (input: JsonValue): Effect.Effect<AgentInput<S["Type"]>, AgentFailure, S["DecodingServices"]> => {
    const step = stepInputOf(input)
    const decoded = step === undefined ? strict(input ?? {}) : lenient(isRecord(step.input) ? step.input : {})
    return decoded.pipe(
      Effect.map((request) => ({ request, step })),
      Effect.mapError((message) => new AgentFailure({ code: "INVALID_INPUT", message, retryable: false }))
    )
  }
}

/**
 * Calls a skill through the runtime (authorised, audited, maybe approved) and turns a refusal or failure
 * into the task's failure: `SKILL_REFUSED` when the runtime refused the call, `SKILL_FAILED` when the skill
 * failed, neither retried (the same input fails the same way).
 */
export const useSkill = (
  ctx: AgentContext,
  skillId: string,
  input: JsonValue,
  scope?: SkillScope
): Effect.Effect<JsonValue, AgentFailure> =>
  ctx.callSkill(skillId, input, scope).pipe(
    Effect.mapError(
      (error) =>
        new AgentFailure({
          code: error.reason === "Failed" ? "SKILL_FAILED" : "SKILL_REFUSED",
          message: error.message.slice(0, 3_000),
          retryable: false
        })
    )
  )

const isRoot = (path: string) => path === "." || path === "" || path === "./"

/**
 * The scope of a skill call acting on `paths` of the agent's repository. The repository root is not a path
 * a policy can name (security refuses `.` as one, since it would cover every protected path): a call on the
 * whole repository is scoped to the repository alone, and the policies on the repository decide.
 */
export const scopeOf = (options: AgentOptions, paths?: ReadonlyArray<string>): SkillScope => {
  const named = paths?.filter((path) => !isRoot(path))
  return {
    ...(options.repository === undefined ? {} : { repository: options.repository }),
    ...(named === undefined || named.length === 0 ? {} : { paths: named })
  }
}

/** Decodes what a skill returned (unknown keys ignored), failing the task if it is not what was expected. */
export const skillResultDecoder = <S extends Schema.Decoder<unknown>>(schema: S, skillId: string) => {
  const decode = lenientInputDecoder(schema, `${skillId} result`)
  return (result: JsonValue): Effect.Effect<S["Type"], AgentFailure, S["DecodingServices"]> =>
    decode(result).pipe(
      Effect.mapError(
        (message) =>
          new AgentFailure({ code: "UNEXPECTED_SKILL_RESULT", message: message.slice(0, 3_000), retryable: false })
      )
    )
}

/** Joins a repository-relative directory and a name (`.` is the root). */
export const joinRelative = (dir: string, name: string): string =>
  dir === "." || dir === "" ? name : `${dir.replace(/\/+$/, "")}/${name}`

/**
 * The normalised form of a repository-relative path an agent was given (`./src/` → `src`, absent → `.`),
 * so reports and skill scopes name it the way policies do; a hostile path (absolute, `..`, backslash) fails
 * the task at once with `INVALID_INPUT`.
 */
export const relativeInput = (path: string | undefined, field: string): Effect.Effect<string, AgentFailure> => {
  const normalized = normalizeRelative(path ?? ".")
  return "ok" in normalized
    ? Effect.succeed(normalized.ok)
    : Effect.fail(
        new AgentFailure({ code: "INVALID_INPUT", message: `${field}: ${normalized.refused}`, retryable: false })
      )
}
