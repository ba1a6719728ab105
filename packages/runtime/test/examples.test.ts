import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { main } from "../examples/wordCount.js"

describe("README example", () => {
  it("runs and completes its task", async () => {
    const record = await main()
    expect(record.status).toBe("completed")
    expect(record.result).toEqual({ words: 3 })
    expect(record.progress).toEqual({ percent: 50, message: "3 words" })
  })

  it("is the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    expect(readme).toContain(readFileSync(join(root, "examples", "wordCount.ts"), "utf8"))
  })
})
