import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { AgentDefinition, SkillDefinition } from "@coderclaw/runtime"

/** What the modules given to a worker export: its agents and skills. */
export interface WorkerModules {
  readonly agents: ReadonlyArray<AgentDefinition>
  readonly skills: ReadonlyArray<SkillDefinition>
}

/** A module that could not be loaded, or exports nothing a worker can host. */
export class WorkerModuleError extends Error {
  override readonly name = "WorkerModuleError"
  constructor(
    readonly module: string,
    readonly reason: "NotLoaded" | "NothingExported" | "DuplicateId",
    detail: string
  ) {
    super(`${module}: ${detail}`)
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const hasDescriptor = (
  value: Record<string, unknown>
): value is Record<string, unknown> & { descriptor: Record<string, unknown> } =>
  isObject(value.descriptor) && typeof value.descriptor.id === "string" && typeof value.run === "function"

/** A `defineAgent`/`defineAsyncAgent` value: a descriptor with `skills` and `capabilities`, and `run`. */
const isAgent = (value: unknown): value is AgentDefinition =>
  isObject(value) && hasDescriptor(value) && Array.isArray(value.descriptor.skills)

/** A `defineSkill` value: a descriptor with `permissions` and `dangerous`, and `run`. */
const isSkill = (value: unknown): value is SkillDefinition =>
  isObject(value) && hasDescriptor(value) && typeof value.descriptor.dangerous === "boolean"

/** The agent and skill definitions among a module's exports (arrays of them too, e.g. `export const agents = [...]`). */
const definitionsOf = (exports: Record<string, unknown>) => {
  const values = Object.values(exports).flatMap((value) => (Array.isArray(value) ? value : [value]))
  return { agents: values.filter(isAgent), skills: values.filter(isSkill) }
}

const urlOf = (specifier: string, cwd: string): string =>
  specifier.startsWith(".") || specifier.startsWith("/") ? pathToFileURL(resolve(cwd, specifier)).href : specifier

/** Adds definitions by id; the same id defined by two different values is refused. */
const addAll = <D extends { readonly descriptor: { readonly id: string } }>(
  into: Map<string, D>,
  definitions: ReadonlyArray<D>,
  kind: "agent" | "skill",
  specifier: string
) => {
  for (const definition of definitions) {
    const existing = into.get(definition.descriptor.id)
    if (existing !== undefined && existing !== definition)
      throw new WorkerModuleError(specifier, "DuplicateId", `${kind} ${definition.descriptor.id} is defined twice`)
    into.set(definition.descriptor.id, definition)
  }
}

/**
 * Imports each module (a path relative to `cwd`, or a package name) and collects the `defineAgent`,
 * `defineAsyncAgent` and `defineSkill` values it exports. A module that fails to load, exports none, or
 * defines an id twice is refused with a `WorkerModuleError` naming it.
 */
export const loadWorkerModules = async (specifiers: ReadonlyArray<string>, cwd: string): Promise<WorkerModules> => {
  const agents = new Map<string, AgentDefinition>()
  const skills = new Map<string, SkillDefinition>()
  for (const specifier of specifiers) {
    const exports = await import(urlOf(specifier, cwd)).then(
      (loaded: Record<string, unknown>) => loaded,
      (error: unknown) => {
        throw new WorkerModuleError(specifier, "NotLoaded", `cannot be loaded: ${String(error)}`)
      }
    )
    const found = definitionsOf(exports)
    if (found.agents.length === 0 && found.skills.length === 0) {
      throw new WorkerModuleError(
        specifier,
        "NothingExported",
        "exports no agent or skill (export values made with defineAgent, defineAsyncAgent or defineSkill)"
      )
    }
    addAll(agents, found.agents, "agent", specifier)
    addAll(skills, found.skills, "skill", specifier)
  }
  return { agents: [...agents.values()], skills: [...skills.values()] }
}
