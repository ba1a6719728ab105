import type { ChildProcess } from "node:child_process"
import { mkdir, realpath, symlink, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { password, removeDir, tempDir } from "./support/harness.js"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const packageDir = fileURLToPath(new URL("..", import.meta.url))

interface Exited {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

let dir: string
let env: NodeJS.ProcessEnv

const coderclaw = (args: ReadonlyArray<string>, stdin?: string): Promise<Exited> =>
  new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
    child.stdin?.end(stdin ?? "")
  })

const readyLine = (server: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    let seen = ""
    let errors = ""
    server.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()))
    server.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /coderclaw serving on (ws:\/\/\S+)/.exec(seen)
      if (match !== null) resolve(match[1] as string)
    })
    server.once("exit", (code) => reject(new Error(`serve exited with ${code} before it was ready: ${errors}`)))
  })

// The user's module imports `@coderclaw/runtime` and `effect` as an installed project would.
const agentsModule = `
import { Effect } from "effect"
import { defineAgent, defineSkill } from "@coderclaw/runtime"

export const countLines = defineSkill({
  id: "text.count-lines",
  name: "Count lines",
  run: (input) => Effect.succeed(String(input).split("\\n").filter((line) => line !== "").length)
})

export const lineCounter = defineAgent({
  id: "line-counter",
  name: "Line counter",
  description: "Reads a file of the repository and counts its lines.",
  skills: ["fs.read", "text.count-lines"],
  run: (input, ctx) =>
    Effect.gen(function* () {
      const read = yield* ctx.callSkill("fs.read", { path: input.path })
      const lines = yield* ctx.callSkill("text.count-lines", read.content)
      yield* ctx.progress(100, "counted")
      return { path: input.path, lines }
    })
})
`

const brokenModules: Record<string, string> = {
  "throws.mjs": `throw new Error("LINE_COUNTER_TOKEN is not set")`,
  "nothing.mjs": `export const answer = 42`,
  "raw.mjs": `export const agent = { id: "raw", name: "Raw", run: async () => 1 }`,
  "bad-id.mjs": `export const agent = { descriptor: { id: "bad id", name: "Bad", description: "b", capabilities: [], skills: [] }, run: () => 1 }`,
  "shadow.mjs": `import { Effect } from "effect"\nimport { defineAgent } from "@coderclaw/runtime"\nexport const mine = defineAgent({ id: "repo-scanner", name: "Mine", run: () => Effect.succeed(1) })`,
  "again.mjs": `import { Effect } from "effect"\nimport { defineAgent } from "@coderclaw/runtime"\nexport const again = defineAgent({ id: "line-counter", name: "Again", run: () => Effect.succeed(1) })`
}

beforeAll(async () => {
  dir = await tempDir("modules")
  await mkdir(join(dir, ".coderclaw"))
  await mkdir(join(dir, "src"))
  await mkdir(join(dir, "node_modules", "@coderclaw"), { recursive: true })
  await symlink(
    await realpath(join(packageDir, "node_modules", "@coderclaw", "runtime")),
    join(dir, "node_modules", "@coderclaw", "runtime")
  )
  await symlink(await realpath(join(packageDir, "node_modules", "effect")), join(dir, "node_modules", "effect"))
  await writeFile(join(dir, "agents.mjs"), agentsModule)
  for (const [name, text] of Object.entries(brokenModules)) await writeFile(join(dir, name), text)
  await writeFile(join(dir, "src", "main.ts"), "export const a = 1\nexport const b = 2\nexport const c = 3\n")
  await writeFile(join(dir, "src", "secret.txt"), "do not read\n")
  await writeFile(join(dir, ".coderclaw", "runtime.yaml"), "port: 0\nagents: [./agents.mjs]\n")
  const { CODERCLAW_SERVER: _server, ...rest } = process.env
  env = { ...rest, CODERCLAW_HOME: join(dir, "home"), XDG_STATE_HOME: join(dir, "state") }
})

afterEach(async () => {
  await killTracked()
})

afterAll(async () => {
  await removeDir(dir)
})

const policyFile = () => join(dir, ".coderclaw", "policy.yaml")

// Every step is a child process (a server and a dozen commands): generous for a busy machine.
describe("coderclaw serve with agent modules of runtime.yaml", { timeout: 600_000 }, () => {
  it("runs a module's agent end to end; its skill calls obey the server's and the repository's policies", async () => {
    expect(
      (await coderclaw(["users", "add", "alice", "--role", "admin", "--password-stdin"], `${password}\n`)).code
    ).toBe(0)
    const server = spawnTracked(process.execPath, [bin, "serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)))
    try {
      const url = await readyLine(server)
      expect((await coderclaw(["login", "--user", "alice", "--password-stdin", "--server", url], password)).code).toBe(
        0
      )
      const agents = await coderclaw(["agents", "--json"])
      const listed = JSON.parse(agents.stdout) as Array<{ id: string; skills: Array<string> }>
      expect(listed).toContainEqual(
        expect.objectContaining({ id: "line-counter", skills: ["fs.read", "text.count-lines"] })
      )
      expect(listed.map((agent) => agent.id)).toContain("repo-scanner")

      const counted = await coderclaw(["submit", "line-counter", '{"path":"src/main.ts"}', "--wait", "--json"])
      expect(counted.code, counted.stderr + counted.stdout).toBe(0)
      const last = JSON.parse(counted.stdout.trim().split("\n").at(-1) as string) as { task: { result: unknown } }
      expect(last.task.result).toEqual({ path: "src/main.ts", lines: 3 })

      // The repository's own policy narrows what the server allows, for module agents like any other.
      await writeFile(policyFile(), "protectedPaths: [src/secret.txt]\n")
      const secret = await coderclaw(["submit", "line-counter", '{"path":"src/secret.txt"}', "--wait"])
      expect(secret.code).toBe(1)
      expect(secret.stdout + secret.stderr).toContain("src/secret.txt")
      expect(secret.stdout + secret.stderr).toContain("protected by policy")
      expect(secret.stdout + secret.stderr).not.toContain("do not read")

      await writeFile(policyFile(), "skills: { deny: [text.count-lines] }\n")
      const denied = await coderclaw(["submit", "line-counter", '{"path":"src/main.ts"}', "--wait"])
      expect(denied.code).toBe(1)
      expect(denied.stdout + denied.stderr).toContain(".coderclaw/policy.yaml#skills.deny")

      // A malformed file fails closed: the repository takes no work until it is fixed.
      await writeFile(policyFile(), "protectedPaths: src/secret.txt\nsurprise: true\n")
      const broken = await coderclaw(["submit", "line-counter", '{"path":"src/main.ts"}', "--wait"])
      expect(broken.code).toBe(1)
      expect(broken.stderr).toContain(".coderclaw/policy.yaml#invalid")
      expect(broken.stderr).toContain(`${policyFile()} is invalid: `)
      expect(broken.stderr).toContain("surprise: Expected no excess property")
      expect(broken.stderr).toContain("protectedPaths: Expected array")

      await writeFile(policyFile(), "requireApproval: []\n")
      const fixed = await coderclaw(["submit", "line-counter", '{"path":"src/main.ts"}', "--wait"])
      expect(fixed.code, fixed.stderr + fixed.stdout).toBe(0)
    } finally {
      server.kill("SIGTERM")
    }
    expect(await exited).toBe(0)
    // The refusals name the repository's file in the audit log.
    const audit = await coderclaw(["audit", "list", "--action", "authz.decide", "--limit", "500", "--json"])
    expect(audit.code, audit.stderr).toBe(0)
    const reasons = (JSON.parse(audit.stdout) as Array<{ reasons: Array<string> }>).flatMap((entry) => entry.reasons)
    expect(reasons).toContain(".coderclaw/policy.yaml#protectedPaths")
    expect(reasons).toContain(".coderclaw/policy.yaml#skills.deny")
  })

  it("refuses a module that cannot be used, naming it and the problem, before opening anything", async () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, number, string]> = [
      [["./absent.mjs"], 2, `agent module ${join(dir, "absent.mjs")}: no such file`],
      [
        ["./throws.mjs"],
        1,
        `agent module ${join(dir, "throws.mjs")}: importing it threw: LINE_COUNTER_TOKEN is not set`
      ],
      [["./nothing.mjs"], 2, `agent module ${join(dir, "nothing.mjs")}: exports nothing usable`],
      [["./raw.mjs"], 2, "export agent: looks like an agent or skill but has no descriptor object"],
      [["./bad-id.mjs"], 2, "export agent: invalid agent descriptor: id: "],
      [["./shadow.mjs"], 2, 'the agent id "repo-scanner" is already taken by a built-in'],
      [["./agents.mjs", "./again.mjs"], 2, `the agent id "line-counter" is already taken by ${join(dir, "agents.mjs")}`]
    ]
    for (const [modules, code, message] of cases) {
      const config = join(dir, `broken-${code}-${modules.length}.yaml`)
      await writeFile(config, `port: 0\nagents: ${JSON.stringify(modules)}\n`)
      const served = await coderclaw(["serve", "--config", config])
      expect(served.code, `${modules.join(", ")}: ${served.stderr}`).toBe(code)
      expect(served.stderr).toContain(message)
      expect(served.stdout).not.toContain("coderclaw serving on")
    }
  })
})
