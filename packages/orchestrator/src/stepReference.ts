import type { JsonValue, RequestIssue, WorkflowDefinition } from "@coderclaw/protocol"
import { Result } from "effect"

/**
 * A reference, inside a step's `input`, to the result of an earlier step:
 *
 * - `{ "$step": "architecture" }` is replaced by the whole result of step `architecture`;
 * - `{ "$step": "architecture", "path": "files.0.name" }` (or `"path": ["files", 0, "name"]`) by a part of
 *   it: dotted segments are object keys, or array indexes when the value there is an array;
 * - `{ "$literal": value }` is replaced by `value` as it is, unresolved (to pass an object that looks like
 *   a reference).
 *
 * An object is a reference only if it has exactly these keys. The referenced step must be a dependency of
 * the referencing step, directly or through other dependencies, so its result exists when the step starts.
 */
export type StepReference = { readonly $step: string; readonly path?: string | ReadonlyArray<string | number> }

type JsonObject = { readonly [key: string]: JsonValue }

const isObject = (value: JsonValue): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isPathSegment = (value: JsonValue): value is string | number =>
  typeof value === "string" || (typeof value === "number" && Number.isInteger(value) && value >= 0)

/** The reference an input node is, if it is one; `undefined` for ordinary values. */
const referenceOf = (value: JsonValue): { step: JsonValue; path: JsonValue | undefined } | undefined => {
  if (!isObject(value) || !("$step" in value)) return undefined
  const keys = Object.keys(value)
  if (!keys.every((key) => key === "$step" || key === "path")) return undefined
  return { step: value.$step ?? null, path: value.path }
}

const isLiteral = (value: JsonValue): value is { readonly $literal: JsonValue } =>
  isObject(value) && Object.keys(value).length === 1 && "$literal" in value

/** A reference's path as segments, or a message saying why it is not one. */
const segmentsOf = (path: JsonValue | undefined): ReadonlyArray<string | number> | string => {
  if (path === undefined) return []
  if (typeof path === "string") return path === "" ? [] : path.split(".")
  if (Array.isArray(path) && path.every(isPathSegment)) return path
  return "'path' must be a dotted string or an array of keys and non-negative indexes"
}

/** Every reference in a step's input, with where it sits. */
const referencesIn = (
  value: JsonValue,
  at: ReadonlyArray<string | number>
): ReadonlyArray<{ at: ReadonlyArray<string | number>; step: JsonValue; path: JsonValue | undefined }> => {
  if (isLiteral(value)) return []
  const reference = referenceOf(value)
  if (reference !== undefined) return [{ at, ...reference }]
  if (Array.isArray(value)) return value.flatMap((item, index) => referencesIn(item, [...at, index]))
  if (isObject(value)) return Object.entries(value).flatMap(([key, item]) => referencesIn(item, [...at, key]))
  return []
}

/** Every step `id` depends on, directly or through other steps. */
const ancestorsOf = (definition: WorkflowDefinition, id: string): ReadonlySet<string> => {
  const dependsOn = new Map(definition.steps.map((step) => [step.id, step.dependsOn ?? []]))
  const seen = new Set<string>()
  const stack = [...(dependsOn.get(id) ?? [])]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (seen.has(next)) continue
    seen.add(next)
    stack.push(...(dependsOn.get(next) ?? []))
  }
  return seen
}

/**
 * The problems of a workflow's step references: a malformed reference, or a reference to a step that is
 * not among the referencing step's (direct or indirect) dependencies. Run on a definition that already
 * passed `validateWorkflow` (no cycles); an empty list means every reference can be resolved by the time
 * its step starts, except for a `path` the result turns out not to have.
 */
export const validateReferences = (definition: WorkflowDefinition): ReadonlyArray<RequestIssue> =>
  definition.steps.flatMap((step, index) => {
    if (step.input === undefined) return []
    const ancestors = ancestorsOf(definition, step.id)
    return referencesIn(step.input, ["steps", index, "input"]).flatMap(({ at, step: target, path }) => {
      if (typeof target !== "string") {
        return [{ path: at, message: `step '${step.id}': '$step' must name a step` }]
      }
      const segments = segmentsOf(path)
      if (typeof segments === "string") return [{ path: at, message: `step '${step.id}': ${segments}` }]
      if (!ancestors.has(target)) {
        return [
          {
            path: at,
            message: `step '${step.id}' references step '${target}', which is not one of its dependencies`
          }
        ]
      }
      return []
    })
  })

const follow = (
  result: JsonValue,
  segments: ReadonlyArray<string | number>,
  step: string
): Result.Result<JsonValue, string> => {
  let current: JsonValue = result
  for (const [position, segment] of segments.entries()) {
    const next: JsonValue | undefined = Array.isArray(current)
      ? current[Number(segment)]
      : isObject(current) && Object.hasOwn(current, String(segment))
        ? current[String(segment)]
        : undefined
    if (next === undefined) {
      return Result.fail(`the result of step '${step}' has nothing at '${segments.slice(0, position + 1).join(".")}'`)
    }
    current = next
  }
  return Result.succeed(current)
}

const resolveAll = (
  entries: ReadonlyArray<readonly [string, JsonValue]>,
  results: ReadonlyMap<string, JsonValue>
): Result.Result<ReadonlyArray<readonly [string, JsonValue]>, string> => {
  const resolved: Array<readonly [string, JsonValue]> = []
  for (const [key, item] of entries) {
    const value = resolveReferences(item, results)
    if (Result.isFailure(value)) return Result.fail(value.failure)
    resolved.push([key, value.success])
  }
  return Result.succeed(resolved)
}

/**
 * A step's input with every reference replaced by the referenced (completed) step's result, and every
 * `$literal` unwrapped. Fails with a message when a referenced step has no result or its result has nothing
 * at the referenced path: the step then fails instead of running on a placeholder.
 */
export const resolveReferences = (
  value: JsonValue,
  results: ReadonlyMap<string, JsonValue>
): Result.Result<JsonValue, string> => {
  if (isLiteral(value)) return Result.succeed(value.$literal)
  const reference = referenceOf(value)
  if (reference !== undefined) {
    const step = String(reference.step)
    const result = results.get(step)
    if (result === undefined) return Result.fail(`step '${step}' has no result`)
    const segments = segmentsOf(reference.path)
    if (typeof segments === "string") return Result.fail(segments)
    return follow(result, segments, step)
  }
  if (Array.isArray(value)) {
    return Result.map(
      resolveAll(
        value.map((item, index) => [String(index), item] as const),
        results
      ),
      (items) => items.map(([, item]) => item)
    )
  }
  if (isObject(value)) return Result.map(resolveAll(Object.entries(value), results), Object.fromEntries)
  return Result.succeed(value)
}
