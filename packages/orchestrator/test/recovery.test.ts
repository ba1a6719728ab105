import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { killTracked, type Line, launchJsonLines } from "@coderclaw/process-harness"
import type { TaskRecord } from "@coderclaw/protocol"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { stepMetadataKey, type WorkflowResult } from "../src/index.js"

const fixture = join(import.meta.dirname, "fixtures", "crashable-workflow.mjs")

const launch = (args: ReadonlyArray<string>) => launchJsonLines(fixture, args)

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "coderclaw-workflow-crash-"))
})
afterEach(async () => {
  // A failed or timed-out run must not leave its runtime process behind.
  await killTracked()
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

// Two runtime processes, one killed mid-run: a generous budget so a busy machine slows the test, not fails it.
describe("a workflow killed with kill -9 mid-run, restarted on the same SQLite file", { timeout: 180_000 }, () => {
  it("keeps completed steps' results, does not re-run them, and finishes the rest", async () => {
    const database = join(directory, "journal.db")
    const runsLog = join(directory, "runs.log")
    const first = launch([database, runsLog, "start"])
    // step ids by task id, from the `created` events of the step tasks
    const stepOf = (lines: ReadonlyArray<Line>) =>
      new Map(lines.flatMap((l) => (l.kind === "event" && typeof l.step === "string" ? [[l.taskId, l.step]] : [])))
    const reached = (lines: ReadonlyArray<Line>, step: string, status: string) => {
      const steps = stepOf(lines)
      return lines.some((l) => l.kind === "event" && l.to === status && steps.get(l.taskId) === step)
    }
    // Kill once `plan` and `left` completed and `right` (1.5 s long) is running.
    await first.until(
      (lines) =>
        reached(lines, "plan", "completed") && reached(lines, "left", "completed") && reached(lines, "right", "running")
    )
    first.child.kill("SIGKILL")
    await first.exited
    const before = stepOf(first.lines)
    const completedBefore = [...before.entries()].filter(([taskId]) =>
      first.lines.some((l) => l.kind === "event" && l.taskId === taskId && l.to === "completed")
    )
    expect(completedBefore.map(([, step]) => step).sort()).toEqual(["left", "plan"])

    const second = launch([database, runsLog, "resume"])
    expect(await second.exited, second.stderr()).toBe(0)
    const summary = second.lines.find((l) => l.kind === "summary") as unknown as {
      record: TaskRecord
      children: ReadonlyArray<TaskRecord>
    }
    expect(summary.record.status).toBe("completed")
    const result = summary.record.result as unknown as WorkflowResult
    expect(result.status).toBe("completed")
    // The completed steps kept their tasks and results; no step got a second task.
    for (const [taskId, step] of completedBefore) expect(result.steps[step]?.taskId).toBe(taskId)
    expect(summary.children.map((child) => child.metadata[stepMetadataKey]).sort()).toEqual([
      "left",
      "merge",
      "plan",
      "right"
    ])
    expect(result.steps.left?.result).toEqual({
      step: "left",
      input: "survive",
      dependencies: { plan: result.steps.plan?.result }
    })
    expect(result.steps.merge?.result).toEqual({
      step: "merge",
      input: { left: result.steps.left?.result },
      dependencies: { left: result.steps.left?.result, right: result.steps.right?.result }
    })
    // Each step's runs: plan and left ran once, before the crash; right was interrupted and ran again.
    const runs = (await readFile(runsLog, "utf8")).trim().split("\n")
    const count = (step: string) => runs.filter((line) => line.startsWith(`${step} `)).length
    expect(count("plan")).toBe(1)
    expect(count("left")).toBe(1)
    expect(count("merge")).toBe(1)
    expect(runs).toContain("right 1")
    expect(runs).toContain("right 2")
  })
})
