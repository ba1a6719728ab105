import { eventsFor, newTask } from "@coderclaw/journal-conformance"
import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { Effect, Exit, Fiber, Layer, Redacted, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { PostgresJournal, type PostgresJournalOptions, PostgresJournalRefused } from "../src/index.js"
import { freshSchema, journalOptions, server, withSql } from "./support/database.js"

const open = (options: PostgresJournalOptions) => PostgresJournal.make(options)

/** The progress events a task gains one at a time, after its `created` event. */
const progress = (taskId: ReturnType<typeof newTask>["id"], seq: number) =>
  eventsFor(taskId, seq, [{ type: "progress", percent: seq % 101 }])

describe("PostgresJournal", () => {
  it("keeps positions gap-free and in commit order for concurrent writers, and a follower never skips one", async () => {
    const schema = freshSchema("concurrent")
    const writers = 3
    const tasksPerWriter = 12
    const eventsPerTask = 10
    const total = writers * tasksPerWriter * eventsPerTask
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          // Three journals sharing one schema (as nodes of a cluster do), a fourth connection following.
          const journals = yield* Effect.forEach(Array.from({ length: writers }), () =>
            open(journalOptions(schema, { exclusive: false, maxBatchEvents: 16 }))
          )
          const follower = yield* open(journalOptions(schema, { exclusive: false, pollIntervalMs: 200 }))
          const seen = yield* Effect.forkChild(Stream.runCollect(Stream.take(follower.follow(0), total)))
          // A second follower polls readAll as fast as it can: every page must continue its cursor exactly.
          const polled: Array<number> = []
          const poller = Effect.gen(function* () {
            let cursor = 0
            while (cursor < total) {
              const page = yield* follower.readAll(cursor, 50)
              for (const envelope of page) {
                polled.push(envelope.position)
                cursor = envelope.position
              }
            }
          })
          const writerFor = (journal: (typeof journals)[number]) =>
            Effect.forEach(
              Array.from({ length: tasksPerWriter }),
              () =>
                Effect.gen(function* () {
                  const task = newTask()
                  yield* journal.append(task.events)
                  for (let seq = 2; seq <= eventsPerTask; seq++) yield* journal.append(progress(task.id, seq))
                }),
              { concurrency: "unbounded" }
            )
          yield* Effect.all([poller, ...journals.map(writerFor)], { concurrency: "unbounded" })
          const followed = yield* Fiber.join(seen)
          return {
            followed: [...followed].map((envelope: TaskEventEnvelope) => envelope.position),
            polled,
            stored: yield* follower.readAll(0, Number.POSITIVE_INFINITY)
          }
        })
      )
    )
    const expected = Array.from({ length: total }, (_, index) => index + 1)
    expect(result.followed).toEqual(expected)
    expect(result.polled).toEqual(expected)
    expect(result.stored.map((envelope) => envelope.position)).toEqual(expected)
    // Per task, seqs are 1..10 in position order.
    const seqs = new Map<string, Array<number>>()
    for (const envelope of result.stored)
      seqs.set(envelope.taskId, [...(seqs.get(envelope.taskId) ?? []), envelope.seq])
    expect(seqs.size).toBe(writers * tasksPerWriter)
    for (const list of seqs.values()) expect(list).toEqual(Array.from({ length: eventsPerTask }, (_, i) => i + 1))
  })

  it("wakes a follower on another connection through LISTEN/NOTIFY", async () => {
    const schema = freshSchema("follow")
    const task = newTask()
    const received = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const writer = yield* open(journalOptions(schema))
          // A poll interval far longer than the test's timeout: only a notification can deliver in time.
          const follower = yield* open(journalOptions(schema, { exclusive: false, pollIntervalMs: 3_600_000 }))
          const firstRead = yield* follower.readAll(0, 10)
          const fiber = yield* Effect.forkChild(Stream.runCollect(Stream.take(follower.follow(0), 2)))
          yield* writer.append(task.events)
          yield* writer.append(progress(task.id, 2))
          return { firstRead, events: [...(yield* Fiber.join(fiber))] }
        })
      )
    )
    expect(received.firstRead).toEqual([])
    expect(received.events.map((envelope) => [envelope.taskId, envelope.seq, envelope.position])).toEqual([
      [task.id, 1, 1],
      [task.id, 2, 2]
    ])
  })

  it("refuses a second owner of a schema, naming the holder's process", async () => {
    const schema = freshSchema("owner")
    const refused = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* open(journalOptions(schema))
          return yield* Effect.flip(Effect.scoped(open(journalOptions(schema))))
        })
      )
    )
    expect(refused).toBeInstanceOf(PostgresJournalRefused)
    if (!(refused instanceof PostgresJournalRefused)) return
    expect(refused.reason).toBe("Locked")
    expect(refused.holder).toContain(`coderclaw pid ${process.pid}`)
    expect(refused.message).toContain(schema)
  })

  it("refuses a schema written by a newer release, naming both versions", async () => {
    const schema = freshSchema("newer")
    await Effect.runPromise(Effect.scoped(open(journalOptions(schema))))
    await withSql((sql) => sql.unsafe(`INSERT INTO "${schema}".schema_version (version, applied_at) VALUES (99, 0)`))
    const exit = await Effect.runPromiseExit(Effect.scoped(open(journalOptions(schema))))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
    const failure =
      error !== undefined && "error" in error ? (error.error as { reason: string; message: string }) : undefined
    expect(failure?.reason).toBe("Unavailable")
    expect(failure?.message).toContain("version 99")
    expect(failure?.message).toContain(`versions up to ${PostgresJournal.schemaVersion}`)
  })

  it("refuses bad options with a clear error, before connecting", async () => {
    const bad = await Effect.runPromise(
      Effect.flip(Effect.scoped(open({ ...journalOptions("x"), schema: "Robert'); DROP TABLE" })))
    )
    expect(bad._tag).toBe("JournalError")
    expect(bad.message).toContain("schema must be a lower-case PostgreSQL name")
    const badUrl = await Effect.runPromise(Effect.flip(Effect.scoped(open({ url: "mysql://localhost/db" }))))
    expect(badUrl.message).toContain("postgres://")
  })

  it("fails a journal on an unreachable server as a transient Io error, without the password", async () => {
    const pg = server()
    const error = await Effect.runPromise(
      Effect.flip(
        Effect.scoped(
          open({
            host: "127.0.0.1",
            port: 1,
            user: pg.user,
            password: Redacted.make("secret-password-123"),
            connectTimeoutMs: 2_000
          })
        )
      )
    )
    expect(error._tag).toBe("JournalError")
    if (error._tag !== "JournalError") return
    expect(error.reason).toBe("Io")
    expect(error.transient).toBe(true)
    expect(error.message).toContain("unreachable")
    expect(error.message).not.toContain("secret-password-123")
  })

  it("refuses wrong credentials as Unavailable (not retried)", async () => {
    const error = await Effect.runPromise(
      Effect.flip(Effect.scoped(open({ ...journalOptions(freshSchema("creds")), password: Redacted.make("wrong") })))
    )
    expect(error._tag).toBe("JournalError")
    if (error._tag === "JournalError") expect(error.reason).toBe("Unavailable")
  })

  it("serves the runtime's Journal service from its layer", async () => {
    const schema = freshSchema("layer")
    const task = newTask()
    const { Journal } = await import("@coderclaw/runtime")
    const stored = await Effect.runPromise(
      Effect.gen(function* () {
        const journal = yield* Journal
        yield* journal.append(task.events)
        return yield* journal.readTask(task.id, 0)
      }).pipe(Effect.provide(Layer.fresh(PostgresJournal.layer(journalOptions(schema)))))
    )
    expect(stored.map((envelope) => envelope.seq)).toEqual([1])
  })
})
