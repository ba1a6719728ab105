import { newTask } from "@coderclaw/journal-conformance"
import { type PostgresServer, startPostgres } from "@coderclaw/postgres-harness"
import type { JournalError } from "@coderclaw/runtime"
import { until } from "@coderclaw/test-kit"
import { Effect, Fiber, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { PostgresJournal } from "../src/index.js"

// This file stops and starts its server, so it has one of its own: the project's server stays up for
// the other files running meanwhile.
let pg: PostgresServer
beforeAll(async () => {
  pg = await startPostgres()
}, 180_000)
afterAll(() => pg?.stop())

describe("PostgresJournal through a server outage", () => {
  it("fails appends with transient Io errors while the server is down, loses nothing, and resumes when it returns", async () => {
    const acknowledged: Array<string> = []
    const errors: Array<JournalError> = []
    let stop = false
    const options = {
      url: `postgres://${pg.connection.user}@127.0.0.1:${pg.connection.port}/${pg.connection.database}`,
      password: Redacted.make(pg.connection.password),
      schema: "outage",
      connectTimeoutMs: 2_000
    }
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const journal = yield* PostgresJournal.make(options)
          const writer = Effect.gen(function* () {
            while (!stop) {
              const task = newTask()
              const result = yield* Effect.result(journal.append(task.events))
              if (result._tag === "Success") acknowledged.push(task.id)
              else {
                errors.push(result.failure)
                yield* Effect.sleep("20 millis")
              }
            }
          })
          const fibers = yield* Effect.forEach([1, 2, 3, 4], () => Effect.forkChild(writer))
          const wait = (condition: () => boolean, what: string) =>
            Effect.promise(() => until(condition, { timeoutMs: 120_000, what }))
          yield* wait(() => acknowledged.length >= 50, "appends before the outage")
          yield* Effect.sync(() => pg.stopServer())
          const ackedAtStop = acknowledged.length
          yield* wait(() => errors.length >= 5, "failed appends during the outage")
          const probeDuringOutage = yield* Effect.result(journal.probe)
          yield* Effect.sync(() => pg.startServer())
          yield* wait(() => acknowledged.length >= ackedAtStop + 50, "appends after the server returned")
          stop = true
          yield* Effect.forEach(fibers, Fiber.join)
          yield* journal.probe
          return {
            probeDuringOutage,
            stored: yield* journal.readAll(0, Number.POSITIVE_INFINITY),
            tasks: yield* journal.countByStatus
          }
        })
      )
    )
    // Typed, transient failures meanwhile: the runtime retries those and reports them in its health.
    expect(errors.length).toBeGreaterThanOrEqual(5)
    for (const error of errors) {
      expect(error._tag).toBe("JournalError")
      expect(error.transient).toBe(true)
    }
    expect(outcome.probeDuringOutage._tag).toBe("Failure")
    // Nothing acknowledged is lost; positions stay 1, 2, 3… with no hole.
    const storedIds = new Set<string>(outcome.stored.map((envelope) => envelope.taskId))
    for (const id of acknowledged) expect(storedIds.has(id)).toBe(true)
    expect(outcome.stored.map((envelope) => envelope.position)).toEqual(
      Array.from({ length: outcome.stored.length }, (_, index) => index + 1)
    )
    expect(outcome.tasks.pending).toBe(outcome.stored.length)
  })
})
