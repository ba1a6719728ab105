import { existsSync } from "node:fs"
import { chmod } from "node:fs/promises"
import { join } from "node:path"
import type { JsonValue, RuntimeClient } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { fsRead, shellRun, type TestRun, testRunner } from "../src/index.js"
import { git, makeRepository } from "./support/fixtures.js"
import { collect, outputsOf, reached, readUntil, runTask, settle, startRuntime, until } from "./support/harness.js"
import { alive, killAfterTest, pidsWithArgument } from "./support/processes.js"

const node = JSON.stringify(process.execPath)

/** A test script printing what vitest prints: a line per test (one on stderr), then the summary. */
const passingSuite = [
  'console.log("✓ adds")',
  'console.log("✓ subtracts")',
  'console.error("warning: slow test")',
  'console.log(" Test Files  1 passed (1)")',
  'console.log("      Tests  2 passed | 1 skipped (3)")'
].join("\n")

const failingSuite = [
  'console.log("✓ adds")',
  'console.log("× subtracts")',
  'console.log(" Test Files  1 failed (1)")',
  'console.log("      Tests  1 failed | 1 passed (2)")',
  "process.exit(1)"
].join("\n")

/**
 * A package whose `scripts.test` runs `spec`, a program installed in `node_modules/.bin` as test runners
 * are, so it is found only through the PATH the test-runner prepends.
 */
const testPackage = (dir: string, suite: string) => ({
  [join(dir, "package.json")]: JSON.stringify({ name: "fixture", scripts: { test: "spec" } }),
  [join(dir, "node_modules/.bin/spec")]: `#!/bin/sh\nexec ${node} suite.js "$@"\n`,
  [join(dir, "suite.js")]: suite
})

const repositoryWith = async (files: Record<string, string>) => {
  const root = await makeRepository(files, { git: false })
  for (const path of Object.keys(files)) if (path.includes(".bin/")) await chmod(join(root, path), 0o755)
  return root
}

const runtimeFor = (root: string, options: { readonly killGraceMs?: number } = {}) =>
  startRuntime({ agents: [testRunner()], skills: [fsRead({ root }), shellRun({ root, ...options })] })

/** Submits a test-runner task, approves its command when it asks, and returns the task id. */
const approvedRun = async (client: RuntimeClient, input: JsonValue) => {
  const task = await client.submit({ agentId: "test-runner", description: "run the tests", input })
  await reached(client, task.id, "waiting", "approval")
  await client.resolveApproval(task.id, { approved: true })
  return task.id
}

const streamedLines = (events: Awaited<ReturnType<typeof collect>>, name: string) =>
  outputsOf(events as never)
    .filter(([output]) => output === name)
    .flatMap(([, value]) => (value as { lines: Array<string> }).lines)

describe("test-runner", () => {
  it("runs scripts.test after approval, streams its lines and reports the counts", async () => {
    const root = await repositoryWith(testPackage(".", passingSuite))
    const client = runtimeFor(root)
    const id = await approvedRun(client, null)
    const done = await settle(client, id)
    expect(done.status).toBe("completed")
    const run = done.result as TestRun
    expect(run).toMatchObject({
      kind: "test-run",
      command: "spec",
      cwd: ".",
      passed: true,
      exitCode: 0,
      signal: null,
      timedOut: false,
      counts: { reporter: "vitest", passed: 2, failed: 0, skipped: 1, total: 3 }
    })
    expect(run.outputTail).toContain("Tests  2 passed | 1 skipped (3)")

    const events = await collect(client.subscribe(id))
    expect(streamedLines(events, "stdout")).toEqual([
      "✓ adds",
      "✓ subtracts",
      " Test Files  1 passed (1)",
      "      Tests  2 passed | 1 skipped (3)"
    ])
    expect(streamedLines(events, "stderr")).toEqual(["warning: slow test"])
    const progress = events.flatMap(({ event }) => (event.type === "progress" ? [event.message] : []))
    expect(progress).toEqual(["running spec", "tests passed"])
  })

  it("runs in a package of the repository with that package's own bin directory", async () => {
    const root = await repositoryWith(testPackage("packages/calc", passingSuite))
    const client = runtimeFor(root)
    const done = await settle(client, await approvedRun(client, { cwd: "./packages/calc/" }))
    expect(done.result).toMatchObject({ cwd: "packages/calc", passed: true, counts: { passed: 2 } })
  })

  it("fails the task with TESTS_FAILED and the summary when tests fail; the run stays on record", async () => {
    const root = await repositoryWith(testPackage(".", failingSuite))
    const client = runtimeFor(root)
    const id = await approvedRun(client, null)
    const failed = await settle(client, id)
    expect(failed).toMatchObject({
      status: "failed",
      error: {
        code: "TESTS_FAILED",
        message: "the tests failed (exit code 1): 1 failed, 1 passed, 0 skipped of 2 (vitest)"
      }
    })
    // The run is still on record, as the task's output.
    const outputs = outputsOf(await collect(client.subscribe(id)))
    expect(outputs.find(([name]) => name === "test-run")?.[1]).toMatchObject({
      passed: false,
      exitCode: 1,
      counts: { reporter: "vitest", passed: 1, failed: 1, total: 2 }
    })
  })

  it("completes with passed: false when asked to (failOnFailure: false) and as a workflow step", async () => {
    const root = await repositoryWith(testPackage(".", failingSuite))
    const client = runtimeFor(root)
    const done = await settle(client, await approvedRun(client, { failOnFailure: false }))
    expect(done.status).toBe("completed")
    expect(done.result).toMatchObject({
      passed: false,
      exitCode: 1,
      counts: { reporter: "vitest", passed: 1, failed: 1, total: 2 }
    })

    // In a workflow, the failed run is a result the next steps (the review) report on.
    const step = { workflow: "feature", workflowTaskId: "w-1", step: "tests", input: {}, dependencies: {} }
    const asStep = await settle(client, await approvedRun(client, step))
    expect(asStep).toMatchObject({ status: "completed", result: { kind: "test-run", passed: false } })
    const failing = await settle(client, await approvedRun(client, { ...step, input: { failOnFailure: true } }))
    expect(failing).toMatchObject({ status: "failed", error: { code: "TESTS_FAILED" } })
  })

  it("reads node:test's TAP report for the counts, and leaves the working tree clean", async () => {
    const root = await makeRepository({
      "math.test.mjs": [
        'import { describe, it } from "node:test"',
        'import assert from "node:assert"',
        'describe("math", () => {',
        '  it("adds", () => assert.equal(1 + 1, 2))',
        '  it("fails", () => assert.equal(1 + 1, 3))',
        '  it.skip("later", () => {})',
        "})",
        ""
      ].join("\n")
    })
    const client = runtimeFor(root)
    const id = await approvedRun(client, { command: [process.execPath, "--test"] })
    expect(await settle(client, id)).toMatchObject({
      status: "failed",
      error: {
        code: "TESTS_FAILED",
        message: "the tests failed (exit code 1): 1 failed, 1 passed, 1 skipped of 3 (node-test)"
      }
    })
    const events = await collect(client.subscribe(id))
    const run = outputsOf(events).find(([name]) => name === "test-run")?.[1] as TestRun
    expect(run.counts).toEqual({ reporter: "node-test", from: "report", passed: 1, failed: 1, skipped: 1, total: 3 })
    // The command as given is what the caller sees; the spec reporter still prints to the console.
    expect(run.command).toEqual([process.execPath, "--test"])
    expect(streamedLines(events, "stdout").join("\n")).toContain("✖ fails")
    expect(git(root, "status", "--porcelain")).toBe("")
  })

  it("treats a command that exits 0 but reports failed tests as failing", async () => {
    const root = await repositoryWith({ "suite.js": 'console.log("Tests:       1 failed, 3 passed, 4 total")' })
    const client = runtimeFor(root)
    const done = await settle(
      client,
      await approvedRun(client, { command: [process.execPath, "suite.js"], failOnFailure: false })
    )
    expect(done.result).toMatchObject({
      command: [process.execPath, "suite.js"],
      exitCode: 0,
      passed: false,
      counts: { reporter: "jest", failed: 1, passed: 3 }
    })
  })

  it("reports a missing test program as a failed run, and an unstartable argv as a failed task", async () => {
    const root = await repositoryWith({ "README.md": "# no tests\n" })
    const client = runtimeFor(root)
    const viaShell = await settle(
      client,
      await approvedRun(client, { command: "no-such-test-tool-7f3a", failOnFailure: false })
    )
    expect(viaShell.result).toMatchObject({ passed: false, exitCode: 127, counts: null })
    expect((viaShell.result as TestRun).outputTail).toContain("no-such-test-tool-7f3a")

    const viaArgv = await settle(client, await approvedRun(client, { command: ["no-such-test-tool-7f3a"] }))
    expect(viaArgv).toMatchObject({ status: "failed", error: { code: "SKILL_FAILED" } })
    expect(viaArgv.error?.message).toContain("SpawnFailed")
  })

  it("fails without asking anything when there is no test command", async () => {
    const client = runtimeFor(await repositoryWith({ "README.md": "# no package\n" }))
    const none = await runTask(client, "test-runner", null)
    expect(none).toMatchObject({ status: "failed", error: { code: "NO_TEST_COMMAND" } })
    expect(none.error?.message).toContain("no readable package.json")

    const placeholder = runtimeFor(
      await repositoryWith({
        "package.json": JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } })
      })
    )
    const refused = await runTask(placeholder, "test-runner", null)
    expect(refused).toMatchObject({ status: "failed", error: { code: "NO_TEST_COMMAND" } })
    expect(refused.error?.message).toContain("no `scripts.test`")

    expect(await runTask(client, "test-runner", { cwd: "../other" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    expect(await runTask(client, "test-runner", { command: [] })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
  })

  it("never runs the tests when the approval is denied", async () => {
    const root = await repositoryWith(
      testPackage(".", 'require("node:fs").writeFileSync("ran.txt", "yes")\nconsole.log("Tests  1 passed (1)")')
    )
    const client = runtimeFor(root)
    const task = await client.submit({ agentId: "test-runner", description: "run the tests", input: null })
    await reached(client, task.id, "waiting", "approval")
    await client.resolveApproval(task.id, { approved: false, reason: "not on this machine" })
    expect(await settle(client, task.id)).toMatchObject({ status: "failed", error: { code: "APPROVAL_DENIED" } })
    expect(existsSync(join(root, "ran.txt"))).toBe(false)
  })

  it("stops the tests at their time limit and says so", async () => {
    const root = await repositoryWith(testPackage(".", 'console.log("started")\nsetInterval(() => {}, 1000)'))
    const client = runtimeFor(root, { killGraceMs: 200 })
    const done = await settle(client, await approvedRun(client, { timeoutMs: 300 }))
    expect(done).toMatchObject({
      status: "failed",
      error: { code: "TESTS_FAILED", message: "the tests ran past their time limit" }
    })
  })

  it("kills the test process and everything it started when the task is cancelled", async () => {
    // Found by a unique argument: inside the sandbox, a process knows only its id in the sandbox.
    const marker = `300.${process.pid}${Date.now() % 100_000}`
    const suite = [
      'const { spawn } = require("node:child_process")',
      'const fs = require("node:fs")',
      `spawn("sleep", ["${marker}"], { stdio: "ignore" })`,
      'fs.writeFileSync("started.txt", "yes\\n")',
      'console.log("started")',
      "setInterval(() => {}, 1000)"
    ].join("\n")
    const root = await repositoryWith(testPackage(".", suite))
    const client = runtimeFor(root, { killGraceMs: 500 })
    const id = await approvedRun(client, null)
    // The line the suite printed arrives while it still runs.
    await readUntil(client.subscribe(id), ({ event }) => event.type === "output" && event.name === "stdout")
    await until(() => pidsWithArgument(marker).length > 0, { timeoutMs: 10_000 })
    const workerPids = pidsWithArgument(marker)
    killAfterTest(...workerPids)

    await client.cancel(id, "enough")
    expect((await settle(client, id)).status).toBe("cancelled")
    await until(() => workerPids.every((pid) => !alive(pid)), { timeoutMs: 10_000 })
  })
})
