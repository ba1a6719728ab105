import type { JsonValue, WorkflowDefinition } from "@coderclaw/protocol"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { resolveReferences, validateReferences } from "../src/index.js"

const results = new Map<string, JsonValue>([
  ["a", { files: [{ name: "x.ts" }], ok: true }],
  ["b", "plain"]
])

describe("step references", () => {
  it("replaces whole results, dotted and array paths, and unwraps literals", () => {
    const resolved = resolveReferences(
      {
        whole: { $step: "b" },
        dotted: { $step: "a", path: "files.0.name" },
        array: { $step: "a", path: ["files", 0] },
        list: [{ $step: "a", path: "ok" }, 3],
        literal: { $literal: { $step: "a" } },
        notReference: { $step: "a", other: 1 }
      },
      results
    )
    expect(resolved).toEqual(
      Result.succeed({
        whole: "plain",
        dotted: "x.ts",
        array: { name: "x.ts" },
        list: [true, 3],
        literal: { $step: "a" },
        notReference: { $step: "a", other: 1 }
      })
    )
  })

  it("fails on a missing result or path instead of inventing a value", () => {
    expect(resolveReferences({ $step: "a", path: "files.3" }, results)).toEqual(
      Result.fail("the result of step 'a' has nothing at 'files.3'")
    )
    expect(resolveReferences([{ $step: "zzz" }], results)).toEqual(Result.fail("step 'zzz' has no result"))
  })

  it("accepts references to direct and indirect dependencies only", () => {
    const definition: WorkflowDefinition = {
      name: "refs",
      steps: [
        { id: "a", agentId: "w", description: "a" },
        { id: "b", agentId: "w", description: "b", dependsOn: ["a"], input: { $step: "a" } },
        { id: "c", agentId: "w", description: "c", dependsOn: ["b"], input: [{ $step: "a", path: "x" }] },
        { id: "d", agentId: "w", description: "d", input: { nested: { $step: "c" } } },
        { id: "e", agentId: "w", description: "e", dependsOn: ["a"], input: { $step: "a", path: { bad: 1 } } }
      ]
    }
    expect(validateReferences(definition)).toEqual([
      {
        path: ["steps", 3, "input", "nested"],
        message: "step 'd' references step 'c', which is not one of its dependencies"
      },
      {
        path: ["steps", 4, "input"],
        message: "step 'e': 'path' must be a dotted string or an array of keys and non-negative indexes"
      }
    ])
  })
})
