import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { textSearch } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { callSkill, failureOf, startRuntime } from "./support/harness.js"

const files = {
  ".gitignore": "dist/\n",
  "src/config.ts": "export const loadConfig = (path: string) => {\n  // TODO: validate\n  return readConfig(path)\n}\n",
  "src/server.ts": "import { loadConfig } from './config'\nconst config = loadConfig('app.json')\n",
  "docs/guide.md": "Call `loadConfig` first.\nLOADCONFIG in capitals.\n",
  "dist/bundle.js": "loadConfig everywhere in the build output\n"
}

type Search = {
  matches: Array<{ path: string; line: number; column: number; preview: string }>
  filesSearched: number
  truncated: boolean
}

describe("text.search", () => {
  it("finds a literal text with file, line, column and preview, honouring .gitignore", async () => {
    const root = await makeRepository(files, { git: false })
    const client = startRuntime({ skills: [textSearch({ root })] })
    const task = await callSkill(client, "text.search", { query: "loadConfig(" })
    expect(task.status).toBe("completed")
    const result = task.result as Search
    expect(result.matches).toEqual([
      { path: "src/server.ts", line: 2, column: 16, preview: "const config = loadConfig('app.json')" }
    ])
    const all = (await callSkill(client, "text.search", { query: "loadConfig" })).result as Search
    expect(all.matches.map((match) => `${match.path}:${match.line}:${match.column}`)).toEqual([
      "docs/guide.md:1:7",
      "src/config.ts:1:14",
      "src/server.ts:1:10",
      "src/server.ts:2:16"
    ])
    expect(all.filesSearched).toBe(4)
  })

  it("searches with a regular expression, case-insensitively when asked, below a path", async () => {
    const root = await makeRepository(files, { git: false })
    const client = startRuntime({ skills: [textSearch({ root })] })
    const regex = (await callSkill(client, "text.search", { query: "read\\w+\\(", regex: true })).result as Search
    expect(regex.matches).toEqual([
      { path: "src/config.ts", line: 3, column: 10, preview: "  return readConfig(path)" }
    ])
    const insensitive = (
      await callSkill(client, "text.search", { query: "loadconfig", caseSensitive: false, path: "docs" })
    ).result as Search
    expect(insensitive.matches.map((match) => match.line)).toEqual([1, 2])
  })

  it("caps the matches and cuts long lines in the preview", async () => {
    const root = await makeRepository(
      {
        "many.txt": Array.from({ length: 50 }, (_, index) => `needle ${index}`).join("\n"),
        "long.txt": `${"a".repeat(5_000)}needle${"b".repeat(5_000)}`
      },
      { git: false }
    )
    const client = startRuntime({ skills: [textSearch({ root })] })
    const capped = (await callSkill(client, "text.search", { query: "needle", maxResults: 10, path: "." }))
      .result as Search
    expect(capped.matches).toHaveLength(10)
    expect(capped.truncated).toBe(true)
    const long = (await callSkill(client, "text.search", { query: "needle", path: ".", maxResults: 100 }))
      .result as Search
    const preview = long.matches.find((match) => match.path === "long.txt")
    expect(preview?.column).toBe(5_001)
    expect(preview?.preview).toContain("needle")
    expect(preview?.preview.length).toBeLessThanOrEqual(202)
  })

  it("stops a catastrophically backtracking pattern at its time limit instead of hanging", async () => {
    const root = await makeRepository({ "evil.txt": `${"a".repeat(40)}!\n` }, { git: false })
    const skill = textSearch({ root })
    expect(await failureOf(skill, { query: "^(a+)+$", regex: true, timeoutMs: 200 })).toMatchObject({
      _tag: "RepositoryError",
      reason: "SearchTimedOut"
    })
    // The runtime stays responsive and the next search works.
    const client = startRuntime({ skills: [skill] })
    const task = await callSkill(client, "text.search", { query: "^(a+)+$", regex: true, timeoutMs: 200 })
    expect(task.status).toBe("failed")
    expect(task.error?.message).toContain("SearchTimedOut")
    const next = await callSkill(client, "text.search", { query: "aaa" })
    expect((next.result as Search).matches).toHaveLength(1)
  })

  it("skips binary files and refuses invalid patterns, traversal and bad input", async () => {
    const root = await makeRepository(files, { git: false })
    await writeFile(join(root, "blob.bin"), Buffer.concat([Buffer.from("loadConfig"), Buffer.from([0, 1, 2])]))
    const skill = textSearch({ root })
    const client = startRuntime({ skills: [skill] })
    const result = (await callSkill(client, "text.search", { query: "loadConfig" })).result as Search
    expect(result.matches.some((match) => match.path === "blob.bin")).toBe(false)
    expect(await failureOf(skill, { query: "(unclosed", regex: true })).toMatchObject({ reason: "InvalidPattern" })
    expect(await failureOf(skill, { query: "x", path: "../.." })).toMatchObject({ reason: "OutsideRepository" })
    expect(await failureOf(skill, { query: "" })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { pattern: "x" })).toMatchObject({ reason: "InvalidInput" })
  })
})
