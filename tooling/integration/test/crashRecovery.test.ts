import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type {} from "@coderclaw/postgres-harness/globalSetup"
import { killTracked, launchJsonLines } from "@coderclaw/process-harness"
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest"

const fixture = join(import.meta.dirname, "fixtures", "crashable-runtime.mjs")

const launch = (args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv) =>
  launchJsonLines(fixture, args, env === undefined ? {} : { env: { ...process.env, ...env } })

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "coderclaw-crash-"))
})
afterEach(async () => {
  // A failed or timed-out run must not leave its runtime process behind.
  await killTracked()
})
afterAll(async () => {
  await rm(directory, { recursive: true, force: true })
})

/** Runs 60 tasks in a runtime process on `database`, kills it with SIGKILL mid-flight, and recovers them. */
const crashAndRecover = async (database: string, env?: NodeJS.ProcessEnv) => {
  const total = 60
  const first = launch([database, "start", String(total)], env)
  // Kill once every task is journalled, some steppers have checkpointed and questions are waiting.
  await first.until(
    (lines) =>
      lines.some((l) => l.kind === "all-submitted") &&
      lines.filter((l) => l.kind === "event" && l.type === "progress").length >= 8 &&
      lines.some((l) => l.kind === "event" && l.to === "waiting")
  )
  first.child.kill("SIGKILL")
  await first.exited
  const submitted = first.lines.filter((l) => l.kind === "submitted").map((l) => l.taskId as string)
  expect(submitted).toHaveLength(total)
  const seenBeforeCrash = first.lines.filter((l) => l.kind === "event")
  const unfinishedAtCrash = submitted.filter(
    (id) =>
      !seenBeforeCrash.some((e) => e.taskId === id && ["completed", "failed", "cancelled"].includes(e.to as string))
  )
  expect(unfinishedAtCrash.length).toBeGreaterThan(0)

  const second = launch([database, "resume"], env)
  expect(await second.exited, second.stderr()).toBe(0)
  const summary = second.lines.find((l) => l.kind === "summary")?.tasks as ReadonlyArray<{
    taskId: string
    agentId: string
    status: string
    result: { resumedFrom?: number; answer?: string } | null
    seqs: ReadonlyArray<number>
    finalEvents: number
    interruptedAttempts: number
  }>
  expect(summary.map((t) => t.taskId).sort()).toEqual([...submitted].sort())
  for (const task of summary) {
    expect(task.status, task.taskId).toBe("completed")
    expect(task.finalEvents, task.taskId).toBe(1)
    expect(task.seqs, task.taskId).toEqual(task.seqs.map((_, i) => i + 1))
    // Every event the first process streamed is still in the journal at the same seq.
    const before = seenBeforeCrash.filter((e) => e.taskId === task.taskId).map((e) => e.seq as number)
    for (const seq of before) expect(task.seqs).toContain(seq)
  }
  const resumedSteppers = summary.filter((t) => t.agentId === "stepper" && t.interruptedAttempts === 1)
  expect(resumedSteppers.length).toBeGreaterThan(0)
  expect(resumedSteppers.some((t) => (t.result?.resumedFrom ?? 0) > 0)).toBe(true)
  for (const task of summary.filter((t) => t.agentId === "question")) expect(task.result).toEqual({ answer: "yes" })
}

describe("crash recovery with kill -9", () => {
  it("resumes every task after SIGKILL on a real SQLite file: one final state each, nothing lost, seqs contiguous, checkpoints used", async () => {
    await crashAndRecover(join(directory, "journal.db"))
  })

  it("resumes every task after SIGKILL on a real PostgreSQL server, the same way", async () => {
    const pg = inject("postgres")
    // The password travels in the environment, never on the command line.
    await crashAndRecover(`postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`, {
      PGPASSWORD: pg.password,
      CODERCLAW_PG_SCHEMA: "crash_recovery"
    })
  })
})
