import { existsSync } from "node:fs"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:net"
import { join } from "node:path"
import type { RuntimeClient } from "@coderclaw/protocol"
import { Exit } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { probeSandbox, type ShellRunResult, shellRun } from "../src/index.js"
import { makeRepository, tempDir } from "./support/fixtures.js"
import { failureOf, reached, runSkillDirectly, settle, startRuntime, until } from "./support/harness.js"
import { alive, killAfterTest, pidsWithArgument } from "./support/processes.js"

const sandbox = await probeSandbox()
if (!sandbox.available) {
  console.warn(`shell.run sandbox tests skipped: no sandbox on this machine (${sandbox.reason})`)
}

const missingBwrap = "/nonexistent/coderclaw-test/bwrap"

const servers: Array<Server> = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
})

const resultOf = async (exit: Awaited<ReturnType<typeof runSkillDirectly>>) => {
  if (!Exit.isSuccess(exit)) throw new Error(`shell.run failed: ${String(exit.cause)}`)
  return exit.value as ShellRunResult
}

const approved = async (client: RuntimeClient, input: Record<string, unknown>) => {
  const task = await client.submit({
    agentId: "caller",
    description: "run a command",
    input: { skill: "shell.run", input } as never
  })
  await reached(client, task.id, "waiting", "approval")
  await client.resolveApproval(task.id, { approved: true })
  return task.id
}

describe("shell.run without a sandbox", () => {
  it("refuses to run a command, with a typed error naming the opt-out", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const error = await failureOf(shellRun({ root, bwrap: missingBwrap }), { command: ["cat", "a.txt"] })
    expect(error).toMatchObject({ _tag: "CommandError", reason: "SandboxUnavailable" })
    expect(error.message).toContain("unsandboxed")
  })

  it("runs it unconfined when the operator opted out", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const skill = shellRun({ root, bwrap: missingBwrap, allowUnsandboxed: true })
    const result = await resultOf(await runSkillDirectly(skill, { command: ["cat", "a.txt"] }))
    expect(result).toMatchObject({ exitCode: 0, stdoutTail: "a\n" })
  })
})

describe.skipIf(!sandbox.available)("shell.run in its sandbox", () => {
  it("cannot read the server's state directory or the home directory's keys", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const state = await tempDir()
    await writeFile(join(state, "coderclaw.db"), "STATE-DB-CONTENT session keys\n")
    const home = await tempDir()
    await mkdir(join(home, ".ssh"))
    await writeFile(join(home, ".ssh", "id_ed25519"), "PRIVATE-KEY-CONTENT\n")
    const previousHome = process.env.HOME
    process.env.HOME = home
    try {
      const skill = shellRun({ root })
      const result = await resultOf(
        await runSkillDirectly(skill, {
          command: [
            `cat ${state}/coderclaw.db; cat ${home}/.ssh/id_ed25519; cat ~/.ssh/id_ed25519; ls /root /work /run 2>&1; echo "home=$HOME"`
          ],
          shell: true
        })
      )
      const seen = result.stdoutTail + result.stderrTail
      expect(seen).not.toContain("STATE-DB-CONTENT")
      expect(seen).not.toContain("PRIVATE-KEY-CONTENT")
      expect(result.stdoutTail).toContain("home=/tmp")
    } finally {
      process.env.HOME = previousHome
    }
  })

  it("cannot reach a TCP server on the loopback interface", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    let connections = 0
    const server = createServer((socket) => {
      connections++
      socket.end("hello from the host\n")
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address()
    if (address === null || typeof address === "string") throw new Error("no port")
    const script = `const s = require("net").connect(${address.port}, "127.0.0.1"); s.on("data", (d) => { process.stdout.write("got " + d); process.exit(0) }); s.on("error", (e) => { console.log("refused " + e.code); process.exit(0) })`
    const result = await resultOf(
      await runSkillDirectly(shellRun({ root }), { command: [process.execPath, "-e", script] })
    )
    expect(result.stdoutTail).toMatch(/^refused /)
    expect(result.stdoutTail).not.toContain("hello from the host")
    expect(connections).toBe(0)
  })

  it("reads and writes the repository, has a private writable /tmp, and cannot change .git", async () => {
    const root = await makeRepository({ "a.txt": "a\n" })
    const result = await resultOf(
      await runSkillDirectly(shellRun({ root }), {
        command: [
          "cat a.txt && echo written > out.txt && echo scratch > /tmp/s && cat /tmp/s && (echo x > .git/hooks/pre-commit && echo hook-planted || echo hook-refused)"
        ],
        shell: true
      })
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdoutTail).toBe("a\nscratch\nhook-refused\n")
    expect(await readFile(join(root, "out.txt"), "utf8")).toBe("written\n")
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false)
  })

  it("does not see the server's hidden files inside the repository", async () => {
    const root = await makeRepository({ "a.txt": "a\n", ".coderclaw/coderclaw.db": "HIDDEN-DB\n" }, { git: false })
    const skill = shellRun({ root, hidden: [join(root, ".coderclaw")] })
    const result = await resultOf(
      await runSkillDirectly(skill, { command: ["cat .coderclaw/coderclaw.db; ls -a .coderclaw"], shell: true })
    )
    expect(result.stdoutTail + result.stderrTail).not.toContain("HIDDEN-DB")
  })
})

// A process that leaves its process group (`setsid`) escapes a group kill; the sandbox's PID namespace
// does not let it: when the sandbox's first process dies, the kernel kills every process inside.
describe.skipIf(!sandbox.available)("a grandchild started with setsid", () => {
  const grandchild = (marker: string) => ({
    command: [`setsid sh -c 'echo $$ > grandchild.pid; exec sleep ${marker}' & wait; sleep 300`],
    shell: true
  })

  it("is stopped when the task is cancelled", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root })] })
    const marker = `1000.${process.pid}${Date.now() % 100_000}`
    const id = await approved(client, grandchild(marker))
    await until(() => existsSync(join(root, "grandchild.pid")), { timeoutMs: 20_000 })
    await until(() => pidsWithArgument(marker).length > 0, { timeoutMs: 20_000 })
    const pids = pidsWithArgument(marker)
    killAfterTest(...pids)
    await client.cancel(id, "enough")
    expect((await settle(client, id)).status).toBe("cancelled")
    await until(() => pids.every((pid) => !alive(pid)), { timeoutMs: 20_000 })
  })

  it("is stopped when the command times out", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root, killGraceMs: 200 })] })
    const marker = `1001.${process.pid}${Date.now() % 100_000}`
    const id = await approved(client, { ...grandchild(marker), timeoutMs: 5_000 })
    await until(() => pidsWithArgument(marker).length > 0, { timeoutMs: 20_000 })
    const pids = pidsWithArgument(marker)
    killAfterTest(...pids)
    const done = await settle(client, id)
    expect(done.result).toMatchObject({ timedOut: true })
    await until(() => pids.every((pid) => !alive(pid)), { timeoutMs: 20_000 })
  })
})
