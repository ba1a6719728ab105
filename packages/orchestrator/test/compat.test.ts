import { describe, expect, it } from "vitest"
import {
  createBugFixWorkflow,
  createFeatureWorkflow,
  createRefactorWorkflow,
  createWorkflow,
  executeWorkflow,
  UnknownDependency
} from "../src/index.js"
import { makeTestAgents, startRuntimePerTest } from "./support/harness.js"

const startRuntime = startRuntimePerTest()

const legacyRoles = [
  "architecture-advisor",
  "code-creator",
  "test-generator",
  "code-reviewer",
  "bug-analyzer",
  "refactor-agent"
]

describe("compatibility API", () => {
  const helpers = [
    ["createFeatureWorkflow", createFeatureWorkflow, 4],
    ["createBugFixWorkflow", createBugFixWorkflow, 4],
    ["createRefactorWorkflow", createRefactorWorkflow, 3]
  ] as const
  for (const [name, helper, length] of helpers) {
    it(`${name} runs to completion, each step after the one it names by task text`, async () => {
      const test = makeTestAgents(legacyRoles)
      const runtime = startRuntime(test.agents)
      const steps = helper("dark mode")
      const run = await executeWorkflow(runtime.client, steps)
      expect(run.result.status).toBe("completed")
      const ids = Array.from({ length }, (_, index) => `step-${index + 1}`)
      expect(test.starts).toEqual(ids)
      expect([...run.results.keys()]).toEqual(ids)
      for (const [index, id] of ids.entries()) {
        const result = run.results.get(id) as {
          by: string
          input: { task: string }
          dependencies: Record<string, unknown>
        }
        expect(result.by).toBe(steps[index]?.role)
        expect(result.input).toEqual({ task: steps[index]?.task })
        const previous = ids[index - 1]
        expect(result.dependencies).toEqual(previous === undefined ? {} : { [previous]: run.results.get(previous) })
      }
    })
  }

  it("accepts step ids and task texts in dependsOn, and maps roles to agents", () => {
    const definition = createWorkflow(
      [
        { id: "design", role: "architect", task: "Design it" },
        { role: "coder", task: "Build it", dependsOn: ["design"] },
        { role: "coder", task: "Test it", dependsOn: ["Build it", "design"] }
      ],
      { name: "mixed", roles: { architect: "planner-agent" } }
    )
    expect(definition.steps.map((step) => [step.id, step.agentId, step.dependsOn ?? []])).toEqual([
      ["design", "planner-agent", []],
      ["step-2", "coder", ["design"]],
      ["step-3", "coder", ["step-2", "design"]]
    ])
  })

  it("throws on a dependency that names no step, instead of dropping it", () => {
    expect(() => createWorkflow([{ role: "coder", task: "Build it", dependsOn: ["Design it"] }])).toThrow(
      UnknownDependency
    )
  })
})
