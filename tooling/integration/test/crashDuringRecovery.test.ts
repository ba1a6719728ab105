import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type LaunchedProcess, launchJsonLines } from "@coderclaw/process-harness"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

const fixture = join(import.meta.dirname, "fixtures", "recovery-crash-runtime.mjs")

let directory: string
const children: Array<LaunchedProcess> = []
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "coderclaw-recovery-crash-"))
})
afterEach(() => {
  for (const launched of children.splice(0)) launched.child.kill("SIGKILL")
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

const launch = (args: ReadonlyArray<string>) => {
  const launched = launchJsonLines(fixture, args)
  children.push(launched)
  return launched
}

const kill = async (launched: LaunchedProcess) => {
  launched.child.kill("SIGKILL")
  await launched.exited
}

describe("kill -9 during recovery, with a real SQLite file", () => {
  it("counts an attempt only for agent runs that actually started", async () => {
    const database = join(directory, "journal.db")
    const total = 12
    const starts = new Map<string, number>()
    const countStarts = (launched: LaunchedProcess) => {
      for (const line of launched.lines)
        if (line.kind === "started") starts.set(line.taskId as string, (starts.get(line.taskId as string) ?? 0) + 1)
    }

    // Every task's first attempt starts, then the process dies.
    const first = launch([database, "start", String(total)])
    await first.until((lines) => lines.filter((l) => l.kind === "started").length === total)
    await kill(first)
    countStarts(first)

    // Twice: the runtime recovers, re-runs one task (the agent allows one at a time), and dies before the
    // others started again.
    for (let crash = 0; crash < 2; crash++) {
      const recovering = launch([database, "recover"])
      await recovering.until(
        (lines) => lines.some((l) => l.kind === "recovered") && lines.some((l) => l.kind === "started")
      )
      await kill(recovering)
      countStarts(recovering)
    }

    const last = launch([database, "finish"])
    expect(await last.exited, last.stderr()).toBe(0)
    const summary = last.lines.find((l) => l.kind === "summary")?.tasks as ReadonlyArray<{
      taskId: string
      status: string
      attempt: number
      interruptedAttempts: number
    }>
    expect(summary).toHaveLength(total)
    for (const task of summary) {
      const startedBefore = starts.get(task.taskId) ?? 0
      expect(task.status, task.taskId).toBe("completed")
      // One interrupted attempt per run that was killed, and none for recoveries that never ran it.
      expect(task.interruptedAttempts, task.taskId).toBe(startedBefore)
      expect(task.attempt, task.taskId).toBe(startedBefore + 1)
    }
    expect([...starts.values()].filter((n) => n > 1).length).toBeGreaterThan(0)
  })
})
