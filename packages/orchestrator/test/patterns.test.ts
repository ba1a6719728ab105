import { afterEach, describe, expect, it } from "vitest"
import { featureWorkflow, patterns, runWorkflow, validateReferences } from "../src/index.js"
import { makeTestAgents, startRuntime } from "./support/harness.js"

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const roles = [
  "architect",
  "coder",
  "tester",
  "reviewer",
  "analyst",
  "refactorer",
  "planner",
  "proposer",
  "critic",
  "synthesizer",
  "threat-modeler",
  "scanner"
]

const chains: Record<keyof typeof patterns, ReadonlyArray<string>> = {
  feature: ["architecture", "code", "tests", "review"],
  bugfix: ["analysis", "fix", "tests", "review"],
  refactor: ["review", "refactor", "tests"],
  planning: ["requirements", "architecture", "tasks"],
  "adversarial-review": ["proposal", "critique", "synthesis"],
  "security-audit": ["threat-model", "scan", "remediation", "review"]
}

describe("built-in patterns", () => {
  for (const [name, build] of Object.entries(patterns)) {
    it(`${name} runs to completion in order, each step getting the real results before it`, async () => {
      const test = makeTestAgents(roles)
      const runtime = startRuntime(test.agents)
      close = runtime.close
      const definition = build("the login page")
      expect(validateReferences(definition)).toEqual([])
      const run = await runWorkflow(runtime.client, definition)
      expect(run.result.status).toBe("completed")
      const chain = chains[name as keyof typeof patterns]
      expect(test.starts).toEqual(chain)
      for (const [index, id] of chain.entries()) {
        const result = run.result.steps[id]?.result as { dependencies: Record<string, unknown> }
        const previous = chain[index - 1]
        if (previous !== undefined) expect(result.dependencies[previous]).toEqual(run.result.steps[previous]?.result)
      }
    })
  }

  it("maps roles to the caller's agents", async () => {
    const test = makeTestAgents(["designer", "dev"])
    const runtime = startRuntime(test.agents)
    close = runtime.close
    const definition = featureWorkflow("search", {
      agents: { architect: "designer", coder: "dev", tester: "dev", reviewer: "designer" }
    })
    expect(definition.steps.map((step) => step.agentId)).toEqual(["designer", "dev", "dev", "designer"])
    const run = await runWorkflow(runtime.client, definition)
    expect(run.result.status).toBe("completed")
    const review = run.result.steps.review?.result as { by: string; input: Record<string, unknown> }
    expect(review.by).toBe("designer")
    expect(review.input.code).toEqual(run.result.steps.code?.result)
  })
})
