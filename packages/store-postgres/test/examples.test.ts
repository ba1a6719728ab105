import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { main } from "../examples/postgresRuntime.js"
import { freshSchema, journalOptions } from "./support/database.js"

describe("README example", () => {
  it("runs a task, restarts on the same schema and finds it completed", async () => {
    const record = await main(journalOptions(freshSchema("example")))
    expect(record.status).toBe("completed")
    expect(record.result).toEqual({ greeting: "hello, world" })
  })

  it("is the code the README shows", () => {
    const root = join(import.meta.dirname, "..")
    const readme = readFileSync(join(root, "README.md"), "utf8")
    expect(readme).toContain(readFileSync(join(root, "examples", "postgresRuntime.ts"), "utf8"))
  })
})
