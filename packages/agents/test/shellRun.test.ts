import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import type { RuntimeClient } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { type ShellRunResult, shellRun } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { collect, failureOf, outputsOf, reached, settle, shape, startRuntime, until } from "./support/harness.js"
import { alive, killAfterTest, readPid } from "./support/processes.js"

const node = process.execPath

// Where the operator opted out of the sandbox (and none is available), the process group is what is killed.
const unsandboxed = { bwrap: "/nonexistent/coderclaw-test/bwrap", allowUnsandboxed: true } as const

const submit = (client: RuntimeClient, input: Record<string, unknown>) =>
  client.submit({ agentId: "caller", description: "run a command", input: { skill: "shell.run", input } as never })

/** Submits a shell.run call, waits for the approval request, approves it and returns the task id. */
const approved = async (client: RuntimeClient, input: Record<string, unknown>) => {
  const task = await submit(client, input)
  await reached(client, task.id, "waiting", "approval")
  await client.resolveApproval(task.id, { approved: true })
  return task.id
}

describe("shell.run", () => {
  it("waits for approval, then runs the command and streams its lines as outputs", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root })] })
    const task = await submit(client, {
      command: [node, "-e", "console.log('one'); console.log('two'); console.error('careful')"]
    })
    const untilAsked = await reached(client, task.id, "waiting", "approval")
    expect(untilAsked.find((envelope) => envelope.event.type === "approval_requested")?.event).toMatchObject({
      skillId: "shell.run"
    })
    await client.resolveApproval(task.id, { approved: true })
    const done = await settle(client, task.id)
    expect(done.status).toBe("completed")
    const result = done.result as ShellRunResult
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      cwd: ".",
      lines: { stdout: 2, stderr: 1 }
    })
    expect(result.stdoutTail).toBe("one\ntwo\n")
    expect(result.stderrTail).toBe("careful\n")
    const events = await collect(client.subscribe(task.id))
    const outputs = outputsOf(events)
    expect(
      outputs.filter(([name]) => name === "stdout").flatMap(([, value]) => (value as { lines: Array<string> }).lines)
    ).toEqual(["one", "two"])
    expect(
      outputs.filter(([name]) => name === "stderr").flatMap(([, value]) => (value as { lines: Array<string> }).lines)
    ).toEqual(["careful"])
    const logs = events.flatMap(({ event }) => (event.type === "log" ? [event.message] : []))
    expect(logs.some((message) => message.startsWith("$ "))).toBe(true)
    expect(logs.some((message) => message.startsWith("exited with code 0"))).toBe(true)
    // Outputs arrive after the approval, while the task runs.
    expect(shape(events).indexOf("approval_resolved")).toBeLessThan(shape(events).indexOf("output"))
  })

  it("never runs a denied command", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root })] })
    const task = await submit(client, { command: [node, "-e", "require('fs').writeFileSync('ran.txt', 'yes')"] })
    await reached(client, task.id, "waiting", "approval")
    const denied = await client.resolveApproval(task.id, { approved: false, reason: "not today" })
    expect(denied).toMatchObject({ status: "failed", error: { code: "APPROVAL_DENIED" } })
    await settle(client, task.id)
    expect(existsSync(join(root, "ran.txt"))).toBe(false)
  })

  it("reports a non-zero exit as a result, not an error", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root })] })
    const id = await approved(client, { command: [node, "-e", "console.error('boom'); process.exit(3)"] })
    const done = await settle(client, id)
    expect(done.status).toBe("completed")
    expect(done.result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stderrTail: "boom\n" })
    const logs = (await collect(client.subscribe(id))).flatMap(({ event }) => (event.type === "log" ? [event] : []))
    expect(logs.at(-1)).toMatchObject({ level: "warn", message: expect.stringContaining("exited with code 3") })
  })

  it("stops a command at its time limit and reports it", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root })] })
    const id = await approved(client, {
      command: [node, "-e", "console.log('started'); setInterval(() => {}, 1000)"],
      timeoutMs: 300
    })
    const done = await settle(client, id)
    expect(done.status).toBe("completed")
    expect(done.result).toMatchObject({ exitCode: null, signal: "SIGTERM", timedOut: true, stdoutTail: "started\n" })
  })

  it("kills the whole process group when the task is cancelled (unsandboxed, opted out)", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root, ...unsandboxed })] })
    const id = await approved(client, {
      command: ["sleep 300 & echo $! > child.pid; echo $$ > shell.pid; wait"],
      shell: true
    })
    await until(() => existsSync(join(root, "child.pid")) && existsSync(join(root, "shell.pid")), { timeoutMs: 10_000 })
    await until(async () => (await readFile(join(root, "shell.pid"), "utf8")).endsWith("\n"), { timeoutMs: 10_000 })
    const shellPid = await readPid(join(root, "shell.pid"))
    const childPid = await readPid(join(root, "child.pid"))
    killAfterTest(shellPid, childPid)
    expect(alive(shellPid)).toBe(true)
    expect(alive(childPid)).toBe(true)

    await client.cancel(id, "enough")
    expect((await settle(client, id)).status).toBe("cancelled")
    await until(() => !alive(shellPid) && !alive(childPid), { timeoutMs: 10_000 })
    expect(() => process.kill(childPid, 0)).toThrow()
    expect(() => process.kill(shellPid, 0)).toThrow()
  })

  it("escalates to SIGKILL for a process group that ignores SIGTERM (unsandboxed, opted out)", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root, killGraceMs: 200, ...unsandboxed })] })
    const id = await approved(client, {
      command: ["trap '' TERM; sleep 300 & echo $! > child.pid; wait; wait"],
      shell: true
    })
    await until(() => existsSync(join(root, "child.pid")), { timeoutMs: 10_000 })
    await until(async () => (await readFile(join(root, "child.pid"), "utf8")).endsWith("\n"), { timeoutMs: 10_000 })
    const childPid = await readPid(join(root, "child.pid"))
    killAfterTest(childPid)
    await client.cancel(id)
    await until(() => !alive(childPid), { timeoutMs: 10_000 })
    expect(() => process.kill(childPid, 0)).toThrow()
  })

  it("passes only allow-listed variables of the runtime's environment, plus the call's own", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    process.env.CODERCLAW_TEST_SECRET = "do-not-leak"
    try {
      const client = startRuntime({ skills: [shellRun({ root })] })
      const id = await approved(client, {
        command: [node, "-e", "console.log(JSON.stringify(process.env))"],
        env: { GREETING: "hello" }
      })
      const env = JSON.parse(((await settle(client, id)).result as ShellRunResult).stdoutTail) as Record<string, string>
      expect(env.GREETING).toBe("hello")
      expect(env.PATH).toBe(process.env.PATH)
      expect(env.CODERCLAW_TEST_SECRET).toBeUndefined()
    } finally {
      delete process.env.CODERCLAW_TEST_SECRET
    }
  })

  it("runs in a directory of the repository, with repository directories prepended to PATH", async () => {
    const root = await makeRepository(
      { "pkg/node_modules/.bin/hello": "#!/bin/sh\necho hello from bin\n", "pkg/x.txt": "x\n" },
      { git: false }
    )
    await import("node:fs/promises").then((fs) => fs.chmod(join(root, "pkg/node_modules/.bin/hello"), 0o755))
    const client = startRuntime({ skills: [shellRun({ root })] })
    const id = await approved(client, {
      command: ["hello && ls"],
      shell: true,
      cwd: "pkg",
      prependPath: ["pkg/node_modules/.bin", "missing/bin"]
    })
    const result = (await settle(client, id)).result as ShellRunResult
    expect(result).toMatchObject({ exitCode: 0, cwd: "pkg" })
    expect(result.stdoutTail).toBe("hello from bin\nnode_modules\nx.txt\n")
  })

  it("streams many lines in batches, and stops streaming past its limit while keeping the tail", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const client = startRuntime({ skills: [shellRun({ root, maxStreamedLines: 1_500 })] })
    const id = await approved(client, {
      command: [node, "-e", "for (let i = 1; i <= 3000; i++) console.log('line ' + i)"]
    })
    const result = (await settle(client, id)).result as ShellRunResult
    expect(result).toMatchObject({ exitCode: 0, lines: { stdout: 3000 }, droppedLines: { stdout: 1500 } })
    expect(result.stdoutTail.endsWith("line 3000\n")).toBe(true)
    const events = await collect(client.subscribe(id))
    const batches = outputsOf(events).filter(([name]) => name === "stdout")
    const streamed = batches.flatMap(([, value]) => (value as { lines: Array<string> }).lines)
    expect(streamed).toHaveLength(1500)
    expect(streamed[0]).toBe("line 1")
    expect(streamed.at(-1)).toBe("line 1500")
    expect(batches.length).toBeLessThan(20)
    expect(events.some(({ event }) => event.type === "log" && event.message.includes("not streamed"))).toBe(true)
  })

  it("refuses bad input, a working directory outside the repository and a missing program", async () => {
    const root = await makeRepository({ "a.txt": "a\n" }, { git: false })
    const skill = shellRun({ root })
    expect(skill.descriptor.dangerous).toBe(true)
    expect(await failureOf(skill, { command: [] })).toMatchObject({ _tag: "CommandError", reason: "InvalidInput" })
    expect(await failureOf(skill, { command: "ls" })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { command: ["ls", "-l"], shell: true })).toMatchObject({ reason: "InvalidInput" })
    expect(await failureOf(skill, { command: ["ls"], env: { "BAD-NAME": "x" } })).toMatchObject({
      reason: "InvalidInput"
    })
    expect(await failureOf(skill, { command: ["ls"], cwd: "../.." })).toMatchObject({
      _tag: "RepositoryError",
      reason: "OutsideRepository"
    })
    expect(await failureOf(skill, { command: ["ls"], cwd: "a.txt" })).toMatchObject({ reason: "NotADirectory" })
    expect(await failureOf(skill, { command: ["definitely-not-a-program-7f3a"] })).toMatchObject({
      _tag: "CommandError",
      reason: "SpawnFailed"
    })
  })
})
