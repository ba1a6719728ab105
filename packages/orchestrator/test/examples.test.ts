import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { deliver } from "../examples/legacy.js"
import { main } from "../examples/quickStart.js"
import { makeTestAgents, startRuntime } from "./support/harness.js"

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

describe("README examples", () => {
  it("quick start: runs the workflow with real outputs and is seen by both inspectors", async () => {
    const { run, workflowStates, taskActors } = await main()
    expect(run.result.status).toBe("completed")
    expect(run.result.steps.draft?.result).toEqual({ text: 'notes on {"topic":"workflows"}' })
    expect(run.result.steps.count?.result).toEqual({ words: 3 })
    expect(workflowStates[0]).toBe("running")
    expect(workflowStates.at(-1)).toBe("completed")
    expect(taskActors).toBe(3)
  })

  it("legacy: runs the original feature helper to completion with mapped roles", async () => {
    const test = makeTestAgents(["architect", "coder", "test-generator", "code-reviewer"])
    const runtime = startRuntime(test.agents)
    close = runtime.close
    const results = await deliver(runtime.client, "dark mode")
    expect([...results.keys()]).toEqual(["step-1", "step-2", "step-3", "step-4"])
    expect((results.get("step-1") as { by: string }).by).toBe("architect")
    expect((results.get("step-2") as { by: string }).by).toBe("coder")
  })

  it("are the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    for (const file of ["quickStart.ts", "legacy.ts"]) {
      expect(readme).toContain(readFileSync(join(root, "examples", file), "utf8"))
    }
  })
})
