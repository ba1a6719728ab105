import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { KnownTaskFailureCode, taskFailureCodes } from "../src/TaskFailureCode.js"

const packages = fileURLToPath(new URL("../..", import.meta.url))

/** Every UPPER_SNAKE_CASE string on a `code:` line of the sources that decide task failures. */
const codesInSources = (): Map<string, string> => {
  const found = new Map<string, string>()
  for (const pkg of ["runtime", "agents", "orchestrator", "task-machine"]) {
    const dir = join(packages, pkg, "src")
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue
      const path = join(entry.parentPath, entry.name)
      for (const line of readFileSync(path, "utf8").split("\n")) {
        // Node errno codes on plain Errors (`ENOTDIR`) are not task failures.
        if (!/\bcode:/.test(line) || line.includes("new Error(")) continue
        for (const match of line.matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"/g))
          if (match[1] !== undefined) found.set(match[1], path)
      }
    }
  }
  return found
}

describe("task failure codes", () => {
  it("lists every failure code the runtime, the agents, the orchestrator and the task machine emit", () => {
    const found = codesInSources()
    expect(found.size).toBeGreaterThan(10)
    const undocumented = [...found].filter(([code]) => !Object.hasOwn(taskFailureCodes, code))
    expect(undocumented, "add these codes to taskFailureCodes (packages/protocol/src/TaskFailureCode.ts)").toEqual([])
  })

  it("decodes the known codes and refuses others", () => {
    expect(Schema.is(KnownTaskFailureCode)("APPROVAL_DENIED")).toBe(true)
    expect(Schema.is(KnownTaskFailureCode)("NO_TEST_COMMAND")).toBe(true)
    expect(Schema.is(KnownTaskFailureCode)("MY_AGENT_CODE")).toBe(false)
  })
})
