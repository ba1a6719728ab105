import type { ChildProcess } from "node:child_process"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import { until } from "@coderclaw/test-kit"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { password, removeDir, tempDir } from "./support/harness.js"

// `coderclaw serve`, `coderclaw worker <module>` and `coderclaw submit --wait` as three processes: the task
// runs in the worker's process, the caller sees its result like any other.

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))
const agentsModule = fileURLToPath(new URL("./fixtures/workerAgents.mjs", import.meta.url))

let dir: string
let baseEnv: NodeJS.ProcessEnv

const envOf = (home: string): NodeJS.ProcessEnv => ({ ...baseEnv, CODERCLAW_HOME: join(dir, home) })

/** Runs `node dist/bin.js …` to its end, as the user whose CLI home is `home`. */
const coderclaw = (home: string, args: ReadonlyArray<string>, stdin?: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawnTracked(process.execPath, [bin, ...args], {
      cwd: dir,
      env: envOf(home),
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
    child.stdin?.end(stdin ?? "")
  })

const output = (child: ChildProcess) => {
  const seen = { stdout: "", stderr: "" }
  child.stdout?.on("data", (chunk: Buffer) => (seen.stdout += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (seen.stderr += chunk.toString()))
  return seen
}

beforeAll(async () => {
  dir = await tempDir("worker")
  await mkdir(join(dir, ".coderclaw"))
  await writeFile(join(dir, ".coderclaw", "runtime.yaml"), "port: 0\n")
  const { CODERCLAW_SERVER: _server, ...rest } = process.env
  baseEnv = { ...rest, XDG_STATE_HOME: join(dir, "state") }
})

afterEach(async () => {
  await killTracked()
})

afterAll(async () => {
  await removeDir(dir)
})

describe("coderclaw worker", () => {
  it("hosts a module's agent for the server: submit --wait runs it in the worker's process", async () => {
    for (const [user, role] of [
      ["alice", "admin"],
      ["box", "worker"]
    ] as const) {
      const added = await coderclaw(
        "alice",
        ["users", "add", user, "--role", role, "--password-stdin"],
        `${password}\n`
      )
      expect(added.code, added.stderr).toBe(0)
    }
    const server = spawnTracked(process.execPath, [bin, "serve"], {
      cwd: dir,
      env: envOf("server"),
      stdio: ["ignore", "pipe", "pipe"]
    })
    const served = output(server)
    await until(() => /coderclaw serving on ws:\/\/\S+/.test(served.stdout), {
      timeoutMs: 60_000,
      what: "serve to be ready"
    })
    const url = (/coderclaw serving on (ws:\/\/\S+)/.exec(served.stdout) as RegExpExecArray)[1] as string

    for (const user of ["alice", "box"]) {
      const login = await coderclaw(user, ["login", "--user", user, "--password-stdin", "--server", url], password)
      expect(login.code, login.stderr).toBe(0)
    }
    const worker = spawnTracked(
      process.execPath,
      [bin, "worker", agentsModule, "--concurrency", "2", "--name", "box"],
      {
        cwd: dir,
        env: envOf("box"),
        stdio: ["ignore", "pipe", "pipe"]
      }
    )
    const hosted = output(worker)
    await until(() => hosted.stderr.includes("hosting shout"), {
      timeoutMs: 60_000,
      what: `the worker to register (stderr: ${hosted.stderr})`
    })

    const submit = await coderclaw("alice", ["submit", "shout", '"hello"', "--wait", "--json"])
    expect(submit.code, submit.stderr + submit.stdout).toBe(0)
    const last = JSON.parse(submit.stdout.trim().split("\n").at(-1) as string) as {
      task: { status: string; result: { shouted: string; pid: number } }
    }
    expect(last.task.status).toBe("completed")
    expect(last.task.result).toEqual({ shouted: "HELLO", pid: worker.pid })

    const workers = await coderclaw("alice", ["workers", "--json"])
    expect(workers.code, workers.stderr).toBe(0)
    expect(JSON.parse(workers.stdout)).toEqual([
      expect.objectContaining({
        name: "box",
        principalId: "local:box",
        agents: [{ agentId: "shout", version: "0.0.0" }]
      })
    ])
    const agents = await coderclaw("alice", ["agents", "--json"])
    const shout = (JSON.parse(agents.stdout) as Array<{ id: string; hosting?: { inProcess: boolean } }>).find(
      (agent) => agent.id === "shout"
    )
    expect(shout?.hosting).toMatchObject({ inProcess: false, workers: [expect.objectContaining({ name: "box" })] })
  }, 180_000)

  it("refuses a module that exports no agent or skill, naming it", async () => {
    const empty = join(dir, "empty.mjs")
    await writeFile(empty, "export const nothing = 1\n")
    const refused = await coderclaw("box", ["worker", empty])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("exports no agent or skill")
  })
})
