import { describe, expect, it } from "vitest"
import { formatTable } from "../src/report.js"
import { runSuite } from "../src/suite.js"

// `pnpm bench --quick` as a test, so every benchmark keeps running as the code changes. It checks that each
// section produces its figures, never how fast they are: timings depend on the machine and its load.
describe("the benchmark suite (quick run)", () => {
  it("measures every row, next to its anchor", async () => {
    const results = await runSuite({ quick: true })
    const sections = new Set(results.rows.map((row) => row.section))
    expect([...sections]).toEqual([
      "lifecycle",
      "durable",
      "websocket",
      "a2a",
      "workers",
      "memory",
      "recovery",
      "postgres",
      "scaling",
      "authorization"
    ])
    for (const row of results.rows) {
      expect(Number.isFinite(row.result.value), row.benchmark).toBe(true)
      expect(row.anchor, row.benchmark).toBeDefined()
      expect(Number.isFinite(row.anchor?.value), row.benchmark).toBe(true)
    }
    expect(formatTable(results.rows).split("\n")).toHaveLength(results.rows.length + 2)
  })
})
