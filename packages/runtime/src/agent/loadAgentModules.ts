import { statSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, Result } from "effect"
import { AgentModuleError } from "./AgentModuleError.js"
import { collectDefinitions, type ModuleDefinitions } from "./collectDefinitions.js"
import type { AgentDefinition } from "./defineAgent.js"
import type { SkillDefinition } from "./defineSkill.js"

/** How `loadAgentModules` resolves module paths and which ids are already taken. */
export interface LoadAgentModulesOptions {
  /** Where relative module paths resolve. */
  readonly cwd: string
  /** Agent ids registered before the modules (the built-ins): a module may not reuse one. */
  readonly takenAgents?: Iterable<string>
  /** Skill ids registered before the modules: a module may not reuse one. */
  readonly takenSkills?: Iterable<string>
  /** What the taken ids are called in errors. Default `a built-in`. */
  readonly takenBy?: string
}

/** The agents and skills of every module, in the order listed, with the modules they came from. */
export interface LoadedAgentModules {
  readonly modules: ReadonlyArray<ModuleDefinitions>
  readonly agents: ReadonlyArray<AgentDefinition>
  readonly skills: ReadonlyArray<SkillDefinition>
}

/** Imports one module file (ES module or CommonJS, as Node loads it), refusing a missing file first. */
const importModule = (path: string): Effect.Effect<Readonly<Record<string, unknown>>, AgentModuleError> =>
  Effect.suspend(() => {
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true)
      return Effect.fail(new AgentModuleError({ reason: "NotFound", module: path, detail: "no such file" }))
    return Effect.tryPromise({
      try: () => import(pathToFileURL(path).href) as Promise<Readonly<Record<string, unknown>>>,
      catch: (error) =>
        new AgentModuleError({
          reason: "ImportFailed",
          module: path,
          detail: `importing it threw: ${error instanceof Error ? error.message : String(error)}`
        })
    })
  })

/** Who holds each agent and skill id: the built-ins first, then each module as it is loaded. */
interface IdOwners {
  readonly agent: Map<string, string>
  readonly skill: Map<string, string>
}

const takenIds = (options: LoadAgentModulesOptions): IdOwners => {
  const takenBy = options.takenBy ?? "a built-in"
  return {
    agent: new Map([...(options.takenAgents ?? [])].map((id) => [id, takenBy])),
    skill: new Map([...(options.takenSkills ?? [])].map((id) => [id, takenBy]))
  }
}

/** Claims a module's ids, refusing one that is already held. */
const claimIds = (owners: IdOwners, module: ModuleDefinitions): Effect.Effect<void, AgentModuleError> =>
  Effect.suspend(() => {
    const claims = [
      ...module.agents.map((agent) => ["agent", agent.descriptor.id] as const),
      ...module.skills.map((skill) => ["skill", skill.descriptor.id] as const)
    ]
    for (const [kind, id] of claims) {
      const owner = owners[kind].get(id)
      if (owner !== undefined)
        return Effect.fail(
          new AgentModuleError({
            reason: "DuplicateId",
            module: module.module,
            detail: `the ${kind} id ${JSON.stringify(id)} is already taken by ${owner}`
          })
        )
      owners[kind].set(id, module.module)
    }
    return Effect.void
  })

/**
 * Imports agent modules and collects their definitions (see `collectDefinitions`), refusing an id that a
 * built-in (`takenAgents`, `takenSkills`) or an earlier module already uses: nothing shadows anything.
 * Paths are files, absolute or relative to `cwd`. Each module is imported once, in-process, with the full
 * rights of the process that loads it.
 */
export const loadAgentModules = (
  paths: ReadonlyArray<string>,
  options: LoadAgentModulesOptions
): Effect.Effect<LoadedAgentModules, AgentModuleError> =>
  Effect.gen(function* () {
    const owners = takenIds(options)
    const modules: Array<ModuleDefinitions> = []
    for (const path of paths) {
      const file = isAbsolute(path) ? path : resolve(options.cwd, path)
      const namespace = yield* importModule(file)
      const collected = collectDefinitions(file, namespace)
      if (Result.isFailure(collected)) return yield* collected.failure
      yield* claimIds(owners, collected.success)
      modules.push(collected.success)
    }
    return {
      modules,
      agents: modules.flatMap((module) => module.agents),
      skills: modules.flatMap((module) => module.skills)
    }
  })
