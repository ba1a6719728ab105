import { readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { main } from "../examples/sqliteRuntime.js"

describe("README example", () => {
  it("runs a task, restarts on the same file and finds it completed", async () => {
    const directory = await mkdtemp(join(tmpdir(), "coderclaw-example-"))
    try {
      const record = await main(join(directory, "data", "journal.db"))
      expect(record.status).toBe("completed")
      expect(record.result).toEqual({ greeting: "hello, world" })
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  it("is the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    expect(readme).toContain(readFileSync(join(root, "examples", "sqliteRuntime.ts"), "utf8"))
  })
})
