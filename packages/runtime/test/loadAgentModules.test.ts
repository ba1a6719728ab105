import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type AgentModuleError, collectDefinitions, defineAgent, defineSkill, loadAgentModules } from "../src/index.js"

// Modules written by a user import the published entry point, as a real `runtime.yaml` module would.
const runtimeEntry = pathToFileURL(join(import.meta.dirname, "..", "src", "index.ts")).href

let dir: string

const modules: Record<string, string> = {
  "agents.mjs": `
    import { Effect } from "effect"
    import { defineAgent, defineAsyncAgent, defineSkill } from "${runtimeEntry}"
    export const shout = defineSkill({ id: "text.shout", name: "Shout", run: (input) => Effect.succeed(String(input).toUpperCase()) })
    export const greeter = defineAgent({ id: "greeter", name: "Greeter", skills: ["text.shout"], run: (input) => Effect.succeed({ hello: input }) })
    export default [greeter, defineAsyncAgent({ id: "waiter", name: "Waiter", run: async () => "done" })]
    export const helper = (x) => x + 1
    export const VERSION = "1.0.0"
  `,
  "second.mjs": `
    import { Effect } from "effect"
    import { defineAgent } from "${runtimeEntry}"
    export const other = defineAgent({ id: "other", name: "Other", run: () => Effect.succeed(1) })
  `,
  "throws.mjs": `throw new Error("the module needs DATABASE_URL")`,
  "nothing.mjs": `export const answer = 42\nexport function helper() {}`,
  "undefined.mjs": `export const agent = { id: "raw", name: "Raw", run: async () => 1 }`,
  "no-run.mjs": `export const agent = { descriptor: { id: "half", name: "Half", description: "x", capabilities: [], skills: [] }, run: "later" }`,
  "bad-descriptor.mjs": `export const agent = { descriptor: { id: "has space", name: "Bad", description: "x", capabilities: [], skills: [] }, run: () => 1 }`,
  "twice.mjs": `
    import { Effect } from "effect"
    import { defineAgent } from "${runtimeEntry}"
    export const a = defineAgent({ id: "same", name: "A", run: () => Effect.succeed(1) })
    export const b = defineAgent({ id: "same", name: "B", run: () => Effect.succeed(2) })
  `,
  "shadow.mjs": `
    import { Effect } from "effect"
    import { defineAgent } from "${runtimeEntry}"
    export const scanner = defineAgent({ id: "repo-scanner", name: "Mine", run: () => Effect.succeed(1) })
  `
}

beforeAll(async () => {
  // Inside the package, so the modules' `effect` resolves to the runtime's own copy.
  dir = await mkdtemp(join(import.meta.dirname, ".modules-"))
  for (const [name, text] of Object.entries(modules)) await writeFile(join(dir, name), text)
})

afterAll(() => rm(dir, { recursive: true, force: true }))

const load = (paths: ReadonlyArray<string>, taken: ReadonlyArray<string> = []) =>
  Effect.runPromise(Effect.result(loadAgentModules(paths, { cwd: dir, takenAgents: taken })))

const refusal = async (paths: ReadonlyArray<string>, taken: ReadonlyArray<string> = []): Promise<AgentModuleError> => {
  const loaded = await load(paths, taken)
  if (loaded._tag === "Success") throw new Error("expected the modules to be refused")
  return loaded.failure
}

describe("loadAgentModules", () => {
  it("registers every defineAgent, defineAsyncAgent and defineSkill export, once each, ignoring the rest", async () => {
    const loaded = await load(["./agents.mjs", join(dir, "second.mjs")])
    if (loaded._tag === "Failure") throw loaded.failure
    expect(loaded.success.agents.map((agent) => agent.descriptor.id)).toEqual(["greeter", "waiter", "other"])
    expect(loaded.success.skills.map((skill) => skill.descriptor)).toEqual([
      { id: "text.shout", name: "Shout", description: "Shout", permissions: ["skill:execute"], dangerous: false }
    ])
    expect(loaded.success.modules.map((module) => module.module)).toEqual([
      join(dir, "agents.mjs"),
      join(dir, "second.mjs")
    ])
  })

  it("refuses a missing file, a module that throws, and a module with nothing usable, naming the module", async () => {
    const missing = await refusal(["./absent.js"])
    expect(missing.reason).toBe("NotFound")
    expect(missing.message).toBe(`agent module ${join(dir, "absent.js")}: no such file`)
    const throws = await refusal(["./throws.mjs"])
    expect(throws.reason).toBe("ImportFailed")
    expect(throws.message).toBe(
      `agent module ${join(dir, "throws.mjs")}: importing it threw: the module needs DATABASE_URL`
    )
    const nothing = await refusal(["./nothing.mjs"])
    expect(nothing.reason).toBe("NothingUsable")
    expect(nothing.message).toBe(
      `agent module ${join(dir, "nothing.mjs")}: exports nothing usable: no value made with defineAgent, defineAsyncAgent or defineSkill among its exports (answer, helper)`
    )
  })

  it("refuses an export that looks like an agent but is not one, and an invalid descriptor, naming the export", async () => {
    const raw = await refusal(["./undefined.mjs"])
    expect(raw.reason).toBe("Malformed")
    expect(raw.detail).toBe(
      "export agent: looks like an agent or skill but has no descriptor object; make it with defineAgent, defineAsyncAgent or defineSkill"
    )
    const noRun = await refusal(["./no-run.mjs"])
    expect(noRun.reason).toBe("Malformed")
    expect(noRun.detail).toBe("export agent: has a descriptor but its run is not a function")
    const bad = await refusal(["./bad-descriptor.mjs"])
    expect(bad.reason).toBe("InvalidDescriptor")
    expect(bad.detail).toMatch(/^export agent: invalid agent descriptor: id: /)
  })

  it("refuses an id used twice in a module, by another module or by a built-in: nothing is shadowed", async () => {
    const twice = await refusal(["./twice.mjs"])
    expect(twice.reason).toBe("DuplicateId")
    expect(twice.detail).toBe('exports a and b both define the agent "same"')
    const builtin = await refusal(["./shadow.mjs"], ["repo-scanner"])
    expect(builtin.reason).toBe("DuplicateId")
    expect(builtin.detail).toBe('the agent id "repo-scanner" is already taken by a built-in')
    const across = await refusal(["./second.mjs", "./second.mjs"])
    expect(across.detail).toBe(`the agent id "other" is already taken by ${join(dir, "second.mjs")}`)
  })
})

describe("collectDefinitions", () => {
  it("reads a namespace without importing anything: what a worker does with modules it already holds", () => {
    const agent = defineAgent({ id: "a", name: "A", run: () => Effect.succeed(1) })
    const skill = defineSkill({ id: "s.one", name: "S", dangerous: true, run: () => Effect.succeed(1) })
    const collected = Result.getOrThrow(collectDefinitions("inline", { agent, skill, default: agent }))
    expect(collected.agents).toEqual([agent])
    expect(collected.skills).toEqual([skill])
  })
})
