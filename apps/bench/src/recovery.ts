import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { launchJsonLines } from "@coderclaw/process-harness"
import { childScript, runChild } from "./child.js"

/**
 * Recovery after `kill -9`: a process runs `tasks` tasks (their first attempt never ends) on a SQLite
 * journal (or a PostgreSQL one, given `postgres`) and is killed with SIGKILL once all of them run; a new process opens the journal, recovers, and
 * every task restarts (as attempt 2, which completes at once). Reported from the new process's start:
 * when the runtime was ready (recovery done), and when every task had completed. The anchor is the same
 * process starting a runtime on an empty journal.
 */
export const measureRecovery = async (
  tasks: number,
  postgres?: { readonly url: string; readonly password: string }
) => {
  const directory = await mkdtemp(join(tmpdir(), "coderclaw-bench-recovery-"))
  const script = childScript("recoveryChild")
  // A SQLite file per journal, or a PostgreSQL schema per journal (the password in the environment).
  const target = (name: string) =>
    postgres === undefined
      ? { db: join(directory, `${name}.db`), env: process.env }
      : { db: postgres.url, env: { ...process.env, PGPASSWORD: postgres.password, CODERCLAW_PG_SCHEMA: name } }
  try {
    const journal = target("journal")
    const first = launchJsonLines(script, ["start", journal.db, String(tasks)], { env: journal.env })
    await first.until((lines) => lines.some((line) => line.kind === "ready"), 600_000)
    first.child.kill("SIGKILL")
    await first.exited
    const startedAt = performance.now()
    const resumed = await runChild(script, ["resume", journal.db, String(tasks)], [], journal.env)
    const wallMs = performance.now() - startedAt
    const result = resumed.find((line) => line.kind === "result") as { recoveredMs: number; doneMs: number }
    const empty = target("empty")
    const emptyRun = await runChild(script, ["empty", empty.db], [], empty.env)
    const anchor = emptyRun.find((line) => line.kind === "result") as { recoveredMs: number }
    return { ...result, wallMs, emptyStartMs: anchor.recoveredMs }
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
