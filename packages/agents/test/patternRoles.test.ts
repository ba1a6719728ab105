import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import {
  awaitWorkflow,
  bugfixWorkflow,
  createBugFixWorkflow,
  createFeatureWorkflow,
  createRefactorWorkflow,
  featureWorkflow,
  type PatternName,
  patterns,
  workflowAgent
} from "@coderclaw/orchestrator"
import type { RuntimeClient, WorkflowDefinition } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { type BuiltinOptions, builtinAgents, builtinSkills, roleAgentIds } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { startRuntime } from "./support/harness.js"

const llm = { baseUrl: "http://127.0.0.1:9/v1", model: "local-model" }
const root = "/srv/repositories/demo"

const registered = (options: BuiltinOptions) => new Set(builtinAgents(options).map((agent) => agent.descriptor.id))

/** The agent ids of a pattern's steps that no built-in agent answers to. */
const unresolved = (definition: WorkflowDefinition, agents: ReadonlySet<string>) =>
  definition.steps.filter((step) => !agents.has(step.agentId)).map((step) => step.agentId)

const patternNames = Object.keys(patterns) as Array<PatternName>

describe("roleAgentIds", () => {
  it("maps every role of the feature, bugfix, refactor and security-audit patterns to an offline agent", () => {
    const agents = registered({ root, llm: false })
    for (const name of ["feature", "bugfix", "refactor", "security-audit"] as const) {
      const definition = patterns[name]("the subject", { agents: roleAgentIds() })
      expect(unresolved(definition, agents), name).toEqual([])
    }
    expect(featureWorkflow("x", { agents: roleAgentIds() }).steps.map((step) => step.agentId)).toEqual([
      "repo-scanner",
      "git-changes",
      "test-runner",
      "reviewer"
    ])
    expect(bugfixWorkflow("x", { agents: roleAgentIds() }).steps.map((step) => step.agentId)).toEqual([
      "code-search",
      "git-changes",
      "test-runner",
      "reviewer"
    ])
  })

  it("leaves only the generative roles unmapped without an LLM, and maps every role with one", () => {
    const offline = registered({ root, llm: false })
    expect(unresolved(patterns.planning("x", { agents: roleAgentIds() }), offline)).toEqual(["planner"])
    expect(unresolved(patterns["adversarial-review"]("x", { agents: roleAgentIds() }), offline).sort()).toEqual([
      "critic",
      "proposer",
      "synthesizer"
    ])
    const withLlm = registered({ root, llm })
    for (const name of patternNames) {
      expect(unresolved(patterns[name]("x", { agents: roleAgentIds({ llm: true }) }), withLlm), name).toEqual([])
    }
  })

  it("lets the patterns and the original pattern functions run unmapped when the agents are registered under role ids", () => {
    const aliased = registered({ root, llm, roleAliases: true })
    for (const name of patternNames) expect(unresolved(patterns[name]("x"), aliased), name).toEqual([])
    for (const steps of [createFeatureWorkflow("x"), createBugFixWorkflow("x"), createRefactorWorkflow("x")]) {
      for (const step of steps) expect(aliased.has(step.role), step.role).toBe(true)
    }
  })
})

/** Submits a workflow and approves every command its steps ask to run, until it ends. */
const runApproving = async (client: RuntimeClient, definition: WorkflowDefinition) => {
  const workflow = await client.submitWorkflow(definition)
  const finished = awaitWorkflow(client, workflow.id)
  let done = false
  void finished.finally(() => {
    done = true
  })
  const approved: Array<string> = []
  while (!done) {
    const page = await client.list({ rootId: workflow.id, status: ["waiting"] })
    for (const task of page.items) {
      if (task.waitingFor === "approval" && !approved.includes(task.id)) {
        approved.push(task.id)
        await client.resolveApproval(task.id, { approved: true })
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { run: await finished, approved }
}

/** A repository with a change in progress and a failing test suite. */
const projectWithFailingTests = async () => {
  const root = await makeRepository({
    "package.json": JSON.stringify({
      name: "demo",
      scripts: { test: `${JSON.stringify(process.execPath)} test/config.test.js` }
    }),
    "test/config.test.js": 'console.log("  1 passing (2ms)")\nconsole.log("  1 failing")\nprocess.exit(1)\n',
    "src/config.ts": "export const parseConfig = (text: string) => JSON.parse(text)\n"
  })
  await writeFile(
    join(root, "src/config.ts"),
    "export const parseConfig = (text: string) => JSON.parse(text || '{}')\n"
  )
  return root
}

describe("the patterns on the built-in agents", () => {
  it("run a feature workflow end to end: scan, changes, a real test run, and a review that sees it failed", async () => {
    const repository = await projectWithFailingTests()
    const options = { root: repository, llm: false as const }
    const client = startRuntime({
      agents: [...builtinAgents(options), workflowAgent()],
      skills: builtinSkills(options)
    })
    const { run, approved } = await runApproving(
      client,
      featureWorkflow("empty config files", { agents: roleAgentIds() })
    )
    expect(run.result.status).toBe("completed")
    expect(approved).toHaveLength(1)
    const { architecture, code, tests, review } = run.result.steps
    expect(architecture?.result).toMatchObject({ kind: "repo-scan", files: 3 })
    expect(code?.result).toMatchObject({
      kind: "changes",
      status: { entries: [{ path: "src/config.ts", code: " M" }] },
      commits: [{ subject: "Initial commit" }]
    })
    expect(tests?.result).toMatchObject({
      kind: "test-run",
      passed: false,
      exitCode: 1,
      counts: { reporter: "mocha", passed: 1, failed: 1 }
    })
    const findings = (review?.result as { findings?: Array<{ rule: string }> } | undefined)?.findings ?? []
    // The failed run reaches the review twice (as its `tests` input and as a dependency): one finding.
    expect(findings.map((finding) => finding.rule)).toEqual(["tests-failing"])
  })

  it("run a bugfix workflow whose analysis finds the code the bug report names, with role aliases", async () => {
    const repository = await projectWithFailingTests()
    const options = { root: repository, llm: false as const, roleAliases: true }
    const client = startRuntime({
      agents: [...builtinAgents(options), workflowAgent()],
      skills: builtinSkills(options)
    })
    const { run } = await runApproving(client, bugfixWorkflow("parseConfig throws on an empty file"))
    expect(run.result.status).toBe("completed")
    expect(run.result.steps.analysis?.result).toMatchObject({
      kind: "search",
      searches: [{ query: "parseConfig", matches: [{ path: "src/config.ts", line: 1 }] }]
    })
    expect(run.result.steps.tests?.result).toMatchObject({ kind: "test-run", passed: false })
  })
})
