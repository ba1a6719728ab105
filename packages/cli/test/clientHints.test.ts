import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CoderclawServer } from "../src/server/startServer.js"
import { type CliAs, loggedInAdmin, removeDir, startTestServer, tempDir } from "./support/harness.js"

// What the commands tell a person who typed something slightly wrong, or wants to know what to type.
let dir: string
let server: CoderclawServer
let cli: CliAs

beforeAll(async () => {
  dir = await tempDir("hints")
  server = await startTestServer(dir)
  cli = await loggedInAdmin(server.url, dir, join(dir, "home"))
})

afterAll(async () => {
  await server?.close()
  await removeDir(dir)
})

describe("agents <id> and the input check of submit", () => {
  it("agents <id> shows the description, the input's JSON Schema (pretty) and an example", async () => {
    const shown = await cli(["agents", "greet"])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain("greet — Greet")
    expect(shown.stdout).toContain("Greets someone by name.")
    expect(shown.stdout).toContain('  "required": [\n    "name"\n  ]')
    expect(shown.stdout).toContain(`coderclaw submit greet '{"name":"Ada"}' --wait`)
    const json = await cli(["agents", "greet", "--json"])
    expect(JSON.parse(json.stdout)).toMatchObject({ id: "greet", input: { example: { name: "Ada" } } })
    const plain = await cli(["agents", "echo"])
    expect(plain.stdout).toContain("not described by the agent")
  })

  it("an unknown agent id gets the closest one as a hint, in agents and in submit", async () => {
    const shown = await cli(["agents", "greeet"])
    expect(shown.code).toBe(1)
    expect(shown.stderr).toContain("no agent greeet on this server")
    expect(shown.stderr).toContain("hint: did you mean greet?")
    const submitted = await cli(["submit", "ehco", '"hi"'])
    expect(submitted.code).toBe(1)
    expect(submitted.stderr).toContain("no agent ehco on this server")
    expect(submitted.stderr).toContain("hint: did you mean echo?")
    const far = await cli(["submit", "zzzzzzzz"])
    expect(far.stderr).not.toContain("did you mean")
  })

  it("submit refuses an input the schema refuses, naming the field and the schema's message (exit 2)", async () => {
    const empty = await cli(["submit", "greet", '{"name":""}'])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain("the input does not match greet's input schema:")
    expect(empty.stderr).toContain("  name: String is too short (0 < 1).")
    expect(empty.stderr).toContain(`hint: for example: coderclaw submit greet '{"name":"Ada"}'`)
    const missing = await cli(["submit", "greet", '{"nom":"Ada","times":0}', "--json"])
    expect(missing.code).toBe(2)
    const { error } = JSON.parse(missing.stdout) as { error: { details: { issues: Array<{ field: string }> } } }
    expect(error.details.issues.map((issue) => issue.field).sort()).toEqual(["(input)", "(input)", "times"])
    // Nothing refused reached the server.
    const tasks = await cli(["tasks", "--agent", "greet", "--json"])
    expect((JSON.parse(tasks.stdout) as { items: Array<unknown> }).items).toEqual([])

    const good = await cli(["submit", "greet", '{"name":"Ada"}', "--wait"])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toContain('"greeting": "Hello, Ada"')
    // An agent that does not describe its input takes any JSON.
    expect((await cli(["submit", "echo", '[1,{"a":null}]'])).code).toBe(0)
  })
})

describe("workflow patterns and the LLM", () => {
  it("patterns name those that need an LLM, and running one on a server without an LLM says so", async () => {
    const listed = await cli(["workflow", "patterns"])
    expect(listed.stdout).toMatch(/^planning\s+an LLM\s/m)
    expect(listed.stdout).toMatch(/^feature\s+-\s/m)
    expect(listed.stdout).toContain("Patterns that need an LLM run only on a server with one")
    const json = await cli(["workflow", "patterns", "--json"])
    expect(JSON.parse(json.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "planning", needsLlm: true })])
    )
    const ran = await cli(["workflow", "run", "planning", "a release plan"])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain("the planning pattern needs an LLM, and this server has none configured")
    expect(ran.stderr).toContain("llm:")
    const typo = await cli(["workflow", "run", "planing", "x"])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain("did you mean planning?")
  })
})

describe("tasks filters and status units", () => {
  it("tasks --root, --created-after and --created-before narrow the list on the server", async () => {
    const first = JSON.parse((await cli(["submit", "echo", "1", "--json"])).stdout) as { id: string; createdAt: number }
    const ids = async (argv: ReadonlyArray<string>) => {
      const ran = await cli(["tasks", ...argv, "--all", "--json"])
      expect(ran.code, ran.stderr).toBe(0)
      return (JSON.parse(ran.stdout) as { items: Array<{ id: string }> }).items.map((task) => task.id)
    }
    expect(await ids(["--root", first.id])).toEqual([first.id])
    expect(await ids(["--created-before", "2020-01-01"])).toEqual([])
    expect(await ids(["--created-after", "1h"])).toContain(first.id)
    expect(await ids(["--created-after", new Date(first.createdAt + 1).toISOString()])).not.toContain(first.id)
    const bad = await cli(["tasks", "--created-after", "yesterday"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--created-after must be a duration ago")
  })

  it("status prints each measured figure with its unit", async () => {
    const status = await cli(["status"])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toMatch(/event-loop-lag\s+\w+\s+[\d.]+ ms \(p99\)/)
    expect(status.stdout).toMatch(/queue\s+\w+\s+\d+ queued tasks/)
  })
})
