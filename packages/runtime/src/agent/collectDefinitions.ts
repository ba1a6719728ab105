import { AgentDescriptor, boundaryParseOptions, SkillDescriptor } from "@coderclaw/protocol"
import { Result, Schema, SchemaIssue } from "effect"
import { AgentModuleError } from "./AgentModuleError.js"
import type { AgentDefinition } from "./defineAgent.js"
import type { SkillDefinition } from "./defineSkill.js"

/** The agents and skills one module exports, in the order of its exports. */
export interface ModuleDefinitions {
  readonly module: string
  readonly agents: ReadonlyArray<AgentDefinition>
  readonly skills: ReadonlyArray<SkillDefinition>
}

const decodeAgent = Schema.decodeUnknownResult(AgentDescriptor, boundaryParseOptions)
const decodeSkill = Schema.decodeUnknownResult(SkillDescriptor, boundaryParseOptions)
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

const issuesOf = (error: Schema.SchemaError): string =>
  formatIssues(error.issue)
    .issues.map((issue) => {
      const path = (issue.path ?? []).map((key) => (typeof key === "object" && key !== null ? key.key : key))
      return `${path.length === 0 ? "(descriptor)" : path.join(".")}: ${issue.message}`
    })
    .join("; ")

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A value meant as a definition: it has a descriptor, or the `id` and `run` of an undefined one. */
const looksLikeDefinition = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && ("descriptor" in value || ("id" in value && "run" in value))

type Checked =
  | { readonly kind: "agent"; readonly definition: AgentDefinition }
  | { readonly kind: "skill"; readonly definition: SkillDefinition }

/** Checks one definition-like export: made with `defineAgent`/`defineAsyncAgent`/`defineSkill`, valid descriptor. */
const check = (
  module: string,
  name: string,
  value: Record<string, unknown>
): Result.Result<Checked, AgentModuleError> => {
  const refuse = (reason: AgentModuleError["reason"], detail: string) =>
    Result.fail(new AgentModuleError({ reason, module, detail: `export ${name}: ${detail}` }))
  const descriptor = value.descriptor
  if (!isRecord(descriptor))
    return refuse(
      "Malformed",
      "looks like an agent or skill but has no descriptor object; make it with defineAgent, defineAsyncAgent or defineSkill"
    )
  if (typeof value.run !== "function") return refuse("Malformed", "has a descriptor but its run is not a function")
  // Skills declare what their caller must hold; agents, what they may call.
  if ("permissions" in descriptor || "dangerous" in descriptor) {
    const decoded = decodeSkill(descriptor)
    if (Result.isFailure(decoded))
      return refuse("InvalidDescriptor", `invalid skill descriptor: ${issuesOf(decoded.failure)}`)
    return Result.succeed({ kind: "skill", definition: value as unknown as SkillDefinition })
  }
  const decoded = decodeAgent(descriptor)
  if (Result.isFailure(decoded))
    return refuse("InvalidDescriptor", `invalid agent descriptor: ${issuesOf(decoded.failure)}`)
  return Result.succeed({ kind: "agent", definition: value as unknown as AgentDefinition })
}

/** The definition-like values of one export: the value, or the members of an exported array. */
const candidatesOf = (name: string, value: unknown): ReadonlyArray<readonly [string, Record<string, unknown>]> => {
  if (Array.isArray(value))
    return value.flatMap((member, index) =>
      looksLikeDefinition(member) ? [[`${name}[${index}]`, member] as const] : []
    )
  return looksLikeDefinition(value) ? [[name, value]] : []
}

/** Records the id of a checked definition; the problem, when another export of the module defined it first. */
const claimId = (ids: Map<string, string>, name: string, checked: Checked): string | undefined => {
  const { id } = checked.definition.descriptor
  const key = `${checked.kind}:${id}`
  const earlier = ids.get(key)
  if (earlier !== undefined)
    return `exports ${earlier} and ${name} both define the ${checked.kind} ${JSON.stringify(id)}`
  ids.set(key, name)
  return undefined
}

const nothingUsable = (module: string, names: ReadonlyArray<string>) =>
  new AgentModuleError({
    reason: "NothingUsable",
    module,
    detail: `exports nothing usable: no value made with defineAgent, defineAsyncAgent or defineSkill among its exports (${names.length === 0 ? "it has none" : names.join(", ")})`
  })

/**
 * The agents and skills a module's namespace exports: every export (or member of an exported array) made
 * with `defineAgent`, `defineAsyncAgent` or `defineSkill`. Other exports (helpers, constants, functions) are
 * ignored; the same definition exported twice counts once. Refused, naming the module and the export: a
 * definition-like export that is malformed or has an invalid descriptor, two definitions with one id, or a
 * module with nothing usable. Pure: the caller imports the module (see `loadAgentModules`).
 */
export const collectDefinitions = (
  module: string,
  namespace: Readonly<Record<string, unknown>>
): Result.Result<ModuleDefinitions, AgentModuleError> => {
  const checked: Array<Checked> = []
  const seen = new Set<unknown>()
  const ids = new Map<string, string>()
  const candidates = Object.entries(namespace).flatMap(([exportName, value]) => candidatesOf(exportName, value))
  for (const [name, candidate] of candidates) {
    if (seen.has(candidate)) continue
    seen.add(candidate)
    const one = check(module, name, candidate)
    if (Result.isFailure(one)) return Result.fail(one.failure)
    const duplicate = claimId(ids, name, one.success)
    if (duplicate !== undefined)
      return Result.fail(new AgentModuleError({ reason: "DuplicateId", module, detail: duplicate }))
    checked.push(one.success)
  }
  if (checked.length === 0) return Result.fail(nothingUsable(module, Object.keys(namespace)))
  return Result.succeed({
    module,
    agents: checked.flatMap((each) => (each.kind === "agent" ? [each.definition] : [])),
    skills: checked.flatMap((each) => (each.kind === "skill" ? [each.definition] : []))
  })
}
