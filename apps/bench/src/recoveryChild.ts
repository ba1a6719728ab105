// Run by `recovery.ts` in its own process, on a SQLite journal file, or on PostgreSQL when <db> is a
// postgres:// URL (password in PGPASSWORD, schema in CODERCLAW_PG_SCHEMA):
//   start <db> <n>   submits n tasks whose first attempt never ends, reports `ready` once all n run; is then killed
//   resume <db> <n>  recovers them (each restarts as attempt 2, which completes at once) and reports the times
//   empty <db>       starts a runtime on an empty journal (the anchor) and reports the time

import { defineAgent } from "@coderclaw/runtime"
import { PostgresJournal } from "@coderclaw/store-postgres"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { Effect } from "effect"
import { report } from "./child.js"
import { benchPrincipal, startRuntime } from "./driveRuntime.js"

const [mode, filename = "", count = "0"] = process.argv.slice(2)
const tasks = Number(count)

/** Busy until killed on its first attempt; done at once when recovery restarts it. */
const worker = defineAgent({
  id: "worker",
  name: "worker",
  run: (input, context) => (context.attempt === 1 ? Effect.never : Effect.succeed(input))
})

const open = () =>
  startRuntime(
    filename.startsWith("postgres://")
      ? PostgresJournal.layer({ url: filename, schema: process.env.CODERCLAW_PG_SCHEMA })
      : SqliteJournal.layer({ filename, synchronous: "full" }),
    {
      agents: [worker],
      maxConcurrentTasks: Math.max(1, tasks),
      defaultMaxAttempts: 3,
      watch: false
    }
  )

const statusOf = (mesh: Awaited<ReturnType<typeof open>>) =>
  mesh.managed.runPromise(mesh.runtime.status(benchPrincipal))

if (mode === "start") {
  const mesh = await open()
  let next = 0
  const submitter = async () => {
    while (next < tasks) {
      const input = next++
      await mesh.managed.runPromise(
        mesh.runtime.submit(benchPrincipal, { agentId: "worker", description: "in flight", input })
      )
    }
  }
  await Promise.all(Array.from({ length: 256 }, submitter))
  while ((await statusOf(mesh)).tasks.running < tasks) await new Promise((resolve) => setTimeout(resolve, 20))
  report({ kind: "ready" })
  await new Promise(() => undefined)
} else {
  // `performance.now()` counts from this process's start: node's own start-up is included.
  const mesh = await open()
  const recoveredMs = performance.now()
  if (mode === "resume") {
    for (;;) {
      const status = await statusOf(mesh)
      if (status.tasks.completed >= tasks) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  report({ kind: "result", recoveredMs, doneMs: performance.now() })
  await mesh.close()
}
