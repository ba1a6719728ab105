import type { ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killTracked, spawnTracked } from "@coderclaw/process-harness"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { password, removeDir, tempDir } from "./support/harness.js"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

let dir: string
let env: NodeJS.ProcessEnv

/** Runs `node dist/bin.js …` as a child process in the temporary directory. */
const coderclaw = (args: ReadonlyArray<string>, stdin?: string): Promise<Exited> =>
  new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
    child.stdin?.end(stdin ?? "")
  })

/** Resolves with the URL once `serve` printed its ready line; rejects if it exits first. */
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

beforeAll(async () => {
  dir = await tempDir("e2e")
  await mkdir(join(dir, ".coderclaw"))
  await mkdir(join(dir, "src"))
  await writeFile(join(dir, ".coderclaw", "runtime.yaml"), "# test server\nport: 0\nmaxConcurrentTasks: 4\n")
  await writeFile(join(dir, "src", "main.ts"), "export const answer = 42 // TODO: explain the answer\n")
  const { CODERCLAW_SERVER: _server, ...rest } = process.env
  env = { ...rest, CODERCLAW_HOME: join(dir, "home"), XDG_STATE_HOME: join(dir, "state") }
})

// Whatever the test started (the server above all) is killed when it ends, passed, failed or timed out.
afterEach(async () => {
  await killTracked()
})

afterAll(async () => {
  await removeDir(dir)
})

describe("the coderclaw binary", () => {
  it("serves in one process while others log in, submit and list; stops cleanly on SIGTERM", async () => {
    expect(existsSync(bin), `${bin} is missing: build the package first (npx tsc -b)`).toBe(true)
    const added = await coderclaw(["users", "add", "alice", "--role", "admin", "--password-stdin"], `${password}\n`)
    expect(added.code, added.stderr).toBe(0)

    const server = spawnTracked(process.execPath, [bin, "serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      server.once("exit", (code, signal) => resolve({ code, signal }))
    )
    let serverErr = ""
    server.stderr?.on("data", (chunk: Buffer) => (serverErr += chunk.toString()))
    try {
      const url = await readyLine(server)
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)

      const login = await coderclaw(["login", "--user", "alice", "--password-stdin", "--server", url], password)
      expect(login.code, login.stderr).toBe(0)
      expect(login.stdout).toContain(`Logged in to ${url} as local:alice`)

      // The saved session names the server: no --server from here on.
      const submit = await coderclaw(["submit", "repo-scanner", '{"path":"src"}', "--wait"])
      expect(submit.code, submit.stderr + submit.stdout).toBe(0)
      expect(submit.stdout).toContain("planning → running")
      expect(submit.stdout).toMatch(/✔ repo-scanner task \S+ completed/)
      expect(submit.stdout).toContain("TODO: explain the answer")
      const tasks = await coderclaw(["tasks", "--json"])
      expect(tasks.code, tasks.stderr).toBe(0)
      const page = JSON.parse(tasks.stdout) as { items: Array<{ agentId: string; status: string }> }
      expect(page.items).toEqual([expect.objectContaining({ agentId: "repo-scanner", status: "completed" })])
      // The result reads as a summary, not as the agent's JSON.
      expect(submit.stdout).toContain("result: scanned src: 1 files, 1 lines")
      expect(submit.stdout).toMatch(/src\/main\.ts:1 {2}.*TODO: explain the answer/)
      expect(submit.stdout).not.toContain('"kind"')

      const search = await coderclaw(["submit", "code-search", '{"query":"answer"}', "--wait"])
      expect(search.code, search.stderr + search.stdout).toBe(0)
      expect(search.stdout).toContain('result: "answer": 1 match')
      expect(search.stdout).toMatch(/src\/main\.ts:1:\d+ {2}export const answer/)
      const review = await coderclaw(["submit", "reviewer", "--wait"])
      expect(review.code, review.stderr + review.stdout).toBe(0)
      expect(review.stdout).toMatch(/result: reviewed \d+ files: \d+ critical, \d+ high, \d+ medium, \d+ low, \d+ info/)
      // --json keeps the whole result for scripts.
      const reviewed = await coderclaw(["submit", "reviewer", "--wait", "--json"])
      const last = JSON.parse(reviewed.stdout.trim().split("\n").at(-1) as string) as {
        task: { result: { kind: string } }
      }
      expect(last.task.result.kind).toBe("review")

      // A request the server refuses as invalid: its message and the field, as a usage error (exit 2).
      for (const argv of [
        ["show", "123"],
        ["watch", "abc"],
        ["cancel", "not-a-task"]
      ]) {
        const refused = await coderclaw(argv)
        expect(refused.code, `${argv.join(" ")}: ${refused.stderr}`).toBe(2)
        expect(refused.stderr).not.toContain("Schema validation failed")
        expect(refused.stderr).toContain("coderclaw: the server refused the request: invalid task id")
        expect(refused.stderr).toContain("Expected a UUID v7")
      }
      const filter = await coderclaw(["tasks", "--parent", "abc", "--json"])
      expect(filter.code).toBe(2)
      expect(JSON.parse(filter.stdout)).toMatchObject({
        error: {
          reason: "Usage",
          code: "INVALID_REQUEST",
          details: { issues: [{ path: ["parentId"], message: "Expected a UUID v7" }] }
        },
        exitCode: 2
      })
      expect(filter.stderr).toContain("parentId: Expected a UUID v7")

      const usage = await coderclaw(["watch"])
      expect(usage.code).toBe(2)
      expect(usage.stderr).toContain("Usage: coderclaw watch [options] <id>")
    } finally {
      server.kill("SIGTERM")
    }
    expect(await exited).toEqual({ code: 0, signal: null })
    expect(serverErr).toContain("SIGTERM received, stopping")
    expect(serverErr).toContain("coderclaw: stopped")

    // The server is gone: a client command now says so, with exit 3.
    const after = await coderclaw(["status"])
    expect(after.code).toBe(3)
    expect(after.stderr).toContain("cannot reach the server")
  })
})
