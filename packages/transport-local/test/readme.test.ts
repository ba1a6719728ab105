import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { legacy } from "./examples/legacyFacade.js"
import { main } from "./examples/quickStart.js"

describe("README examples", () => {
  it("runs: the task completes and its events are printed as they happen", async () => {
    const lines: Array<string> = []
    const record = await main((line) => lines.push(line))
    expect(record).toMatchObject({ status: "completed", result: { words: 3 }, progress: { percent: 50 } })
    expect(lines).toEqual([
      "1 created",
      "2 pending → planning",
      "3 planning → running",
      "4 progress",
      "5 running → completed"
    ])
  })

  it("runs the compatibility facade example: the task completes and every event is streamed", async () => {
    const lines: Array<string> = []
    const record = await legacy((line) => lines.push(line))
    expect(record).toMatchObject({ status: "completed", result: "hello, world" })
    expect(lines).toEqual(["1 created", "2 status_changed", "3 status_changed", "4 status_changed"])
  })

  it("are the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    for (const example of ["quickStart.ts", "legacyFacade.ts"]) {
      expect(readme).toContain(readFileSync(join(root, "test", "examples", example), "utf8"))
    }
  })
})
