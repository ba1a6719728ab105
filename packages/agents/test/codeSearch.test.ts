import { describe, expect, it } from "vitest"
import { codeSearch, codeTermsOf, textSearch } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { collect, runTask, startRuntime } from "./support/harness.js"

const files = {
  ".gitignore": "dist/\n",
  "src/config.ts": "export const parseConfig = (text: string) => JSON.parse(text)\nexport const retry = 3\n",
  "src/main.ts": 'import { parseConfig } from "./config"\nparseConfig("{}")\n',
  "docs/notes.md": "parseconfig is spelt in lower case here\n",
  "dist/out.js": "parseConfig()\n"
}

type Search = {
  kind: "search"
  searches: Array<{ query: string; matches: Array<{ path: string; line: number; column: number }>; truncated: boolean }>
  note?: string
}

const where = (result: unknown) =>
  (result as Search).searches.map((search) => [
    search.query,
    search.matches.map((m) => `${m.path}:${m.line}:${m.column}`)
  ])

const runtimeFor = async () => {
  const root = await makeRepository(files)
  return startRuntime({ agents: [codeSearch()], skills: [textSearch({ root })] })
}

describe("code-search", () => {
  it("finds every line that mentions a text, skipping ignored files", async () => {
    const client = await runtimeFor()
    const task = await runTask(client, "code-search", "parseConfig")
    expect(task.status).toBe("completed")
    expect(where(task.result)).toEqual([["parseConfig", ["src/config.ts:1:14", "src/main.ts:1:10", "src/main.ts:2:1"]]])
    expect((task.result as Search).searches[0]?.truncated).toBe(false)
  })

  it("searches case-insensitively, by regular expression, below a path, and caps the matches", async () => {
    const client = await runtimeFor()
    const docs = await runTask(client, "code-search", { query: "PARSECONFIG", caseSensitive: false, path: "docs" })
    expect(where(docs.result)).toEqual([["PARSECONFIG", ["docs/notes.md:1:1"]]])
    const regex = await runTask(client, "code-search", { query: "retry\\s*=\\s*\\d", regex: true })
    expect(where(regex.result)).toEqual([["retry\\s*=\\s*\\d", ["src/config.ts:2:14"]]])
    const capped = await runTask(client, "code-search", { query: "parseConfig", maxResults: 1 })
    expect((capped.result as Search).searches[0]).toMatchObject({
      truncated: true,
      matches: [{ path: "src/config.ts" }]
    })
  })

  it("as a workflow step, searches for the code identifiers the step's text names", async () => {
    const client = await runtimeFor()
    const step = {
      workflow: "bugfix",
      workflowTaskId: "0190a000-0000-7000-8000-000000000003",
      step: "analysis",
      input: { bug: "parseConfig throws when `retry` is 0" },
      dependencies: {}
    }
    const task = await client.submit({ agentId: "code-search", description: "analysis", input: step })
    const events = await collect(client.subscribe(task.id))
    const done = await client.get(task.id)
    expect(where(done.result)).toEqual([
      ["retry", ["src/config.ts:2:14"]],
      ["parseConfig", ["src/config.ts:1:14", "src/main.ts:1:10", "src/main.ts:2:1"]]
    ])
    expect(events.flatMap(({ event }) => (event.type === "progress" ? [event.message] : []))).toEqual([
      "searched retry",
      "searched parseConfig"
    ])

    const vague = await runTask(client, "code-search", { ...step, input: { bug: "it crashes sometimes" } })
    expect(vague.result).toEqual({
      kind: "search",
      searches: [],
      note: "the step's text names no code identifier to search for (quote one in backticks)"
    })
  })

  it("fails with a clear code on bad input or a pattern that does not compile", async () => {
    const client = await runtimeFor()
    expect(await runTask(client, "code-search", { query: 5 })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    expect(await runTask(client, "code-search", { query: "x", path: "../up" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    const broken = await runTask(client, "code-search", { query: "(unclosed", regex: true })
    expect(broken).toMatchObject({ status: "failed", error: { code: "SKILL_FAILED" } })
    expect(broken.error?.message).toContain("InvalidPattern")
    expect((await runTask(client, "code-search", {})).result).toEqual({
      kind: "search",
      searches: [],
      note: "no query given"
    })
  })
})

describe("codeTermsOf", () => {
  it("takes quoted names first, then camelCase, snake_case, dotted and file names, never plain words", () => {
    expect(codeTermsOf("Fix `load()` in config.load and parser.ts when user_id is in snake_case form")).toEqual([
      "load",
      "config.load",
      "parser.ts",
      "user_id",
      "snake_case"
    ])
    expect(codeTermsOf("getUser fails; see getUser() and a, b, c, dId, eId, fId, gId")).toEqual([
      "getUser",
      "dId",
      "eId",
      "fId",
      "gId"
    ])
    expect(codeTermsOf("the login page is slow")).toEqual([])
  })
})
