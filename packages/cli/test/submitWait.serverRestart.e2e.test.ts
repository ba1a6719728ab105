import type { ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { exitOf, freeFixedPort, killTracked, spawnTracked } from "@coderclaw/process-harness"
import { until } from "@coderclaw/test-kit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { password, removeDir, tempDir } from "./support/harness.js"
import { type LlmEndpoint, startLlmEndpoint } from "./support/llmEndpoint.js"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

interface Exited {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

let dir: string
let env: NodeJS.ProcessEnv
let llm: LlmEndpoint | undefined

/** Starts `node dist/bin.js …` (tracked: killed after the test whatever happens), collecting its output. */
const start = (args: ReadonlyArray<string>, stdin = "") => {
  const child = spawnTracked(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin?.end(stdin)
  const exited = new Promise<Exited>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })))
  return { child, exited, output: () => ({ stdout, stderr }) }
}

const coderclaw = (args: ReadonlyArray<string>, stdin?: string): Promise<Exited> => start(args, stdin).exited

/** Starts `serve` and resolves with it and its URL once it printed its ready line. */
const serve = async (): Promise<{ readonly child: ChildProcess; readonly url: string }> => {
  const server = start(["serve"])
  const deadline = Date.now() + 60_000
  for (;;) {
    const url = /coderclaw serving on (ws:\/\/\S+)/.exec(server.output().stdout)?.[1]
    if (url !== undefined) return { child: server.child, url }
    if (server.child.exitCode !== null) throw new Error(`serve exited early: ${server.output().stderr}`)
    if (Date.now() > deadline) throw new Error(`serve not ready in 60 s: ${server.output().stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

beforeEach(async () => {
  dir = await tempDir("restart")
  llm = await startLlmEndpoint("forty-two")
  const port = await freeFixedPort()
  await mkdir(join(dir, ".coderclaw"))
  await writeFile(
    join(dir, ".coderclaw", "runtime.yaml"),
    `port: ${port}\nllm:\n  baseUrl: ${llm.baseUrl}\n  model: test-model\n`
  )
  const { CODERCLAW_SERVER: _server, ...rest } = process.env
  env = { ...rest, CODERCLAW_HOME: join(dir, "home") }
})

afterEach(async () => {
  await killTracked()
  await llm?.close()
  llm = undefined
  await removeDir(dir)
})

describe("submit --wait while the server restarts", { timeout: 240_000 }, () => {
  it.each(["SIGTERM", "SIGKILL"] as const)(
    "finishes with the task's result and exit code 0 when the server is stopped with %s and started again",
    async (signal) => {
      expect(existsSync(bin), `${bin} is missing: build the package first (npx tsc -b)`).toBe(true)
      const added = await coderclaw(["users", "add", "alice", "--role", "admin", "--password-stdin"], `${password}\n`)
      expect(added.code, added.stderr).toBe(0)
      const first = await serve()
      const login = await coderclaw(["login", "--user", "alice", "--password-stdin", "--server", first.url], password)
      expect(login.code, login.stderr).toBe(0)

      const waiting = start(["submit", "llm", '"what is the answer?"', "--max-attempts", "3", "--wait", "--json"])
      // The model holds its answer: the task is running when the server goes away.
      await until(() => (llm?.requests() ?? 0) >= 1, {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: "the task's first model request"
      })
      const listed = await coderclaw(["tasks", "--json"])
      expect(listed.code, listed.stderr).toBe(0)
      const taskId = (JSON.parse(listed.stdout) as { items: Array<{ id: string }> }).items[0]?.id as string
      const watching = start(["watch", taskId, "--json"])
      await until(() => watching.output().stdout.includes('"running"'), {
        timeoutMs: 60_000,
        intervalMs: 20,
        what: "watch showing the running task"
      })
      first.child.kill(signal)
      await exitOf(first.child)
      llm?.release()
      const second = await serve()
      expect(second.url).toBe(first.url)

      for (const follower of [waiting, watching]) {
        const ended = await follower.exited
        expect(ended.code, ended.stderr + ended.stdout).toBe(0)
        expect(ended.stderr).not.toMatch(/Unhandled|at .*\.js:\d+/)
        const last = JSON.parse(ended.stdout.trim().split("\n").at(-1) as string) as {
          task?: { id: string; status: string; result?: { content?: string } }
        }
        expect(last.task).toMatchObject({ id: taskId, status: "completed", result: { content: "forty-two" } })
        // Every event once, in order: seqs 1, 2, 3… with no gap and no repeat across the restart.
        const seqs = ended.stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { taskId?: string; seq?: number })
          .filter((line) => line.taskId === taskId && line.seq !== undefined)
          .map((line) => line.seq)
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, at) => at + 1))
      }
    }
  )
})
