import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { builtinAgents, builtinSkills, configuredLlm, llmEnvVariables, llmOptionsFromEnv } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { runTask, startRuntime } from "./support/harness.js"

const llm = { baseUrl: "http://127.0.0.1:9/v1", model: "local-model" }
const root = "/srv/repositories/demo"

const idsOf = (definitions: ReadonlyArray<{ readonly descriptor: { readonly id: string } }>) =>
  definitions.map((definition) => definition.descriptor.id)

const offlineSkills = ["fs.read", "repo.list", "text.search", "git.status", "git.log", "shell.run"]
const offlineAgents = ["repo-scanner", "test-runner", "reviewer", "git-changes", "code-search", "confirm"]

describe("builtinSkills and builtinAgents", () => {
  it("register the offline agents and skills, and the LLM ones only with an endpoint", () => {
    expect(idsOf(builtinSkills({ root, env: {} }))).toEqual(offlineSkills)
    expect(idsOf(builtinAgents({ root, env: {} }))).toEqual(offlineAgents)
    expect(idsOf(builtinSkills({ root, llm }))).toEqual([...offlineSkills, "llm.chat"])
    expect(idsOf(builtinAgents({ root, llm }))).toEqual([...offlineAgents, "llm"])
  })

  it("read the endpoint from the environment unless told `llm: false`", () => {
    const env = {
      [llmEnvVariables.baseUrl]: "http://127.0.0.1:11434/v1",
      [llmEnvVariables.model]: "llama3",
      [llmEnvVariables.apiKey]: "sk-env-secret"
    }
    expect(idsOf(builtinSkills({ root, env }))).toContain("llm.chat")
    expect(idsOf(builtinAgents({ root, env }))).toContain("llm")
    expect(idsOf(builtinSkills({ root, env, llm: false }))).toEqual(offlineSkills)
    expect(idsOf(builtinAgents({ root, env, llm: false }))).toEqual(offlineAgents)
    // Both the URL and the model are needed; blanks count as unset.
    expect(configuredLlm({ env: { [llmEnvVariables.baseUrl]: "http://127.0.0.1:1/v1" } })).toBeUndefined()
    expect(configuredLlm({ env: { [llmEnvVariables.baseUrl]: " ", [llmEnvVariables.model]: "m" } })).toBeUndefined()
    expect(configuredLlm({ llm, env })).toBe(llm)

    const fromEnv = llmOptionsFromEnv(env)
    expect(fromEnv).toMatchObject({ baseUrl: "http://127.0.0.1:11434/v1", model: "llama3" })
    // The key stays redacted wherever the options are printed.
    expect(Redacted.isRedacted(fromEnv?.apiKey)).toBe(true)
    expect(JSON.stringify(fromEnv)).not.toContain("sk-env-secret")
    expect(String(fromEnv?.apiKey)).not.toContain("sk-env-secret")
  })

  it("declare shell.run (only) dangerous, and llm.chat too when it must be approved", () => {
    const dangerous = (options: Parameters<typeof builtinSkills>[0]) =>
      builtinSkills(options).flatMap((skill) => (skill.descriptor.dangerous === true ? [skill.descriptor.id] : []))
    expect(dangerous({ root, llm })).toEqual(["shell.run"])
    expect(dangerous({ root, llm: { ...llm, requireApproval: true } })).toEqual(["shell.run", "llm.chat"])
  })

  it("register every skill an agent declares", () => {
    const skills = new Set(idsOf(builtinSkills({ root, llm })))
    for (const agent of builtinAgents({ root, llm })) {
      // `confirm` only asks its caller: the one agent that needs no skill.
      if (agent.descriptor.id !== "confirm")
        expect(agent.descriptor.skills ?? [], agent.descriptor.id).not.toHaveLength(0)
      for (const skill of agent.descriptor.skills ?? [])
        expect(skills.has(skill), `${agent.descriptor.id} → ${skill}`).toBe(true)
    }
  })

  it("also register the agents under the patterns' role ids when asked", () => {
    const aliases = (options: Parameters<typeof builtinAgents>[0]) =>
      builtinAgents({ ...options, roleAliases: true }).slice(offlineAgents.length + (options.llm === false ? 0 : 1))
    const offline = aliases({ root, llm: false })
    expect(idsOf(offline).sort()).toEqual(
      [
        "analyst",
        "architect",
        "architecture-advisor",
        "bug-analyzer",
        "code-creator",
        "code-reviewer",
        "coder",
        "refactor-agent",
        "refactorer",
        "scanner",
        "test-generator",
        "tester",
        "threat-modeler"
      ].sort()
    )
    const tester = offline.find((agent) => agent.descriptor.id === "tester")
    expect(tester?.descriptor).toMatchObject({ name: "Test runner (as tester)", skills: ["fs.read", "shell.run"] })
    expect(idsOf(aliases({ root, llm }))).toEqual(
      expect.arrayContaining(["proposer", "critic", "synthesizer", "planner"])
    )
  })

  it("run through a runtime on the named repository, with the given limits", async () => {
    const repository = await makeRepository({ "a.ts": "export const a = 1\n", "b.ts": "// TODO\n" }, { git: false })
    const options = { root: repository, repository: "demo", llm: false as const, fsRead: { maxBytes: 10 } }
    const client = startRuntime({ agents: builtinAgents(options), skills: builtinSkills(options) })
    const task = await runTask(client, "repo-scanner", null)
    expect(task.status).toBe("completed")
    // `a.ts` is above the 10-byte limit given for fs.read, so it is counted but not read.
    expect(task.result).toMatchObject({
      files: 2,
      lines: 1,
      todos: { count: 1 },
      skipped: { tooLarge: 1 }
    })
  })
})
