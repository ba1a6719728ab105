import { startPostgres } from "@coderclaw/postgres-harness"
import { makeTaskId, type TaskEvent } from "@coderclaw/protocol"
import { PostgresJournal } from "@coderclaw/store-postgres"
import { Effect, Queue, Redacted, Stream } from "effect"
import { startRuntime, timed } from "./driveRuntime.js"
import { measureDurable } from "./durable.js"
import { measureRecovery } from "./recovery.js"
import { latencySummary } from "./statistics.js"

const created = (taskId: string): TaskEvent => ({
  type: "created",
  agentId: "bench",
  description: "follow latency",
  input: null,
  rootId: taskId as never,
  sessionId: "bench",
  owner: "local:bench" as never,
  priority: 0,
  maxAttempts: 1,
  metadata: {}
})

/**
 * Follow latency: one task created at a time on a writer journal; a follower on its own connection
 * (`follow`: LISTEN/NOTIFY, polling as the safety net) receives it. Measured from just before `append` to
 * the follower's receipt; the anchor is the append itself (the commit round trip), in the same run.
 */
const measureFollow = (options: PostgresJournal.PostgresJournalOptions, appends: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const writer = yield* PostgresJournal.make({ ...options, schema: "follow" })
      const follower = yield* PostgresJournal.make({ ...options, schema: "follow", exclusive: false })
      const arrivals = yield* Queue.unbounded<readonly [number, number]>()
      yield* Effect.forkScoped(
        Stream.runForEach(follower.follow(0), (envelope) => Queue.offer(arrivals, [envelope.position, 0]))
      )
      const follow: Array<number> = []
      const append: Array<number> = []
      for (let index = 0; index < appends; index++) {
        const taskId = makeTaskId()
        const started = performance.now()
        const [stored] = yield* writer.append([
          { taskId, seq: 1, at: Date.now(), causedBy: "local:bench" as never, event: created(taskId) }
        ])
        append.push(performance.now() - started)
        for (;;) {
          const [position] = yield* Queue.take(arrivals)
          if (position === stored?.position) break
        }
        follow.push(performance.now() - started)
      }
      return { follow, append }
    })
  )

/**
 * PostgreSQL: a throwaway server (the test harness) for the run. Durable throughput against SQLite in the
 * same run, recovery of in-flight tasks after `kill -9`, and follow latency across connections.
 */
export const measurePostgres = async ({ quick }: { readonly quick: boolean }) => {
  const server = await startPostgres()
  try {
    const pg = server.connection
    const url = `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`
    const options = { url, password: Redacted.make(pg.password) }
    const counts = quick ? { tasks: 300, warmup: 50 } : { tasks: 10_000, warmup: 1_000 }
    const mesh = await startRuntime(PostgresJournal.layer({ ...options, schema: "durable" }))
    let durable: { readonly tasksPerSecond: number; readonly cpuMicrosPerTask: number }
    try {
      await mesh.runTasks(counts.warmup)
      const { seconds, cpuMicros } = await timed(() => mesh.runTasks(counts.tasks))
      durable = { tasksPerSecond: counts.tasks / seconds, cpuMicrosPerTask: cpuMicros / counts.tasks }
    } finally {
      await mesh.close()
    }
    const sqlite = await measureDurable(counts)
    const recoveryTasks = quick ? 200 : 10_000
    const recovery = await measureRecovery(recoveryTasks, { url, password: pg.password })
    const latency = await Effect.runPromise(measureFollow(options, quick ? 30 : 1_000))
    return {
      durable,
      sqlite,
      recoveryTasks,
      recovery,
      follow: latencySummary(latency.follow),
      append: latencySummary(latency.append)
    }
  } finally {
    server.stop()
  }
}
