import { describe, expect, it } from "vitest"
import { validateWorkflow, type WorkflowDefinition } from "../src/index.js"

const workflow = (steps: WorkflowDefinition["steps"]): WorkflowDefinition => ({ name: "w", steps })
const step = (id: string, dependsOn: ReadonlyArray<string> = []) => ({ id, agentId: "a", description: id, dependsOn })

describe("validateWorkflow", () => {
  it("accepts a diamond", () => {
    expect(validateWorkflow(workflow([step("a"), step("b", ["a"]), step("c", ["a"]), step("d", ["b", "c"])]))).toEqual(
      []
    )
  })

  it("names duplicate ids and unknown dependencies", () => {
    const issues = validateWorkflow(workflow([step("a"), step("a"), step("b", ["nope"])]))
    expect(issues).toEqual([
      { path: ["steps", 1, "id"], message: "duplicate step id 'a' (also step 0)" },
      { path: ["steps", 2, "dependsOn", 0], message: "step 'b' depends on unknown step 'nope'" }
    ])
  })

  it("names the steps of a cycle, and a step depending on itself", () => {
    expect(validateWorkflow(workflow([step("a", ["c"]), step("b", ["a"]), step("c", ["b"])]))).toEqual([
      { path: ["steps"], message: "dependency cycle: a → c → b → a" }
    ])
    expect(validateWorkflow(workflow([step("a", ["a"])]))[0]?.message).toBe("step 'a' depends on itself")
  })
})
