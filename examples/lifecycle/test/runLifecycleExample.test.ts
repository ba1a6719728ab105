import { execFile } from "node:child_process"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runLifecycleExample } from "../src/index.js"

let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-lifecycle-"))
  await mkdir(join(root, "packages", "alpha", "src"), { recursive: true })
  await mkdir(join(root, "packages", "task-machine", "src"), { recursive: true })
  await mkdir(join(root, "node_modules", "dep"), { recursive: true })
  await writeFile(join(root, "packages", "alpha", "src", "a.ts"), "one\ntwo\nthree\n")
  await writeFile(join(root, "packages", "alpha", "src", "b.ts"), "no trailing newline")
  await writeFile(join(root, "packages", "task-machine", "src", "m.ts"), "x\ny\n")
  await writeFile(join(root, "packages", "alpha", "src", "types.d.ts"), "declare const x: 1\n")
  await writeFile(join(root, "node_modules", "dep", "index.ts"), "ignored\n".repeat(100))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe("lifecycle example", () => {
  it("counts real lines and drives every task to the expected final status", async () => {
    const report = await runLifecycleExample({ root })
    expect(report.lineCount).toEqual({
      files: 3,
      lines: 6,
      byPackage: { "packages/alpha": 4, "packages/task-machine": 2 }
    })
    expect(report.tasks.map((task) => [task.title, task.status])).toEqual([
      ["count-lines", "completed"],
      ["ask-caller", "completed"],
      ["retry", "completed"],
      ["cancel", "cancelled"]
    ])
    const countLines = report.tasks[0]
    const result = report.journal.filter((e) => e.taskId === countLines?.id).at(-1)?.event
    expect(result).toEqual({ type: "status_changed", from: "running", to: "completed", result: { files: 3, lines: 6 } })
    const answer = report.journal.find((e) => e.event.type === "input_provided")
    expect(answer?.causedBy).toBe("local:example-operator")
  })

  it("records gap-free seqs per task and a global position per event", async () => {
    const report = await runLifecycleExample({ root })
    expect(report.journal.map((e) => e.position)).toEqual(report.journal.map((_, i) => i + 1))
    for (const task of report.tasks) {
      const seqs = report.journal.filter((e) => e.taskId === task.id).map((e) => e.seq)
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    }
    expect(report.inspectionEvents).toBeGreaterThan(report.journal.length)
  })

  it("refuses the late completion of a cancelled task and a malformed submit, with clear errors", async () => {
    const report = await runLifecycleExample({ root })
    expect(report.refusals).toHaveLength(1)
    expect(report.refusals[0]).toMatch(/from 'cancelled' to 'completed' \('complete'\): the task already ended/)
    expect(report.invalidRequest).toBe("Invalid submit request: description: Missing key; priority: Expected number")
  })

  it("runs as a command and prints its timeline", async () => {
    const main = join(import.meta.dirname, "..", "dist", "main.js")
    const { stdout } = await promisify(execFile)(process.execPath, [main, root])
    expect(stdout).toContain("count-lines  #1    created on line-counter")
    expect(stdout).toContain("Counted 6 lines in 3 TypeScript files")
    expect(stdout).toMatch(/cancel\s+cancelled/)
  })
})
