import { join } from "node:path"
import { Authorizer, Runtime } from "@coderclaw/runtime"
import { SqliteJournal } from "@coderclaw/store-sqlite"
import { testPrincipal, until } from "@coderclaw/test-kit"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { removeDir, tempDir, testAgents } from "./support/harness.js"

const me = testPrincipal("me", { sessionId: "s-1", roles: [] })

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** The journal's last position now, read without opening it as a journal (a read-only connection). */
const lastPosition = async (filename: string): Promise<number> =>
  (await Effect.runPromise(SqliteJournal.check(filename))).positions.stored

/** Starts a server that should be refused: returns its error (a server that did start is closed after the test). */
const refusedStart = (options: Parameters<typeof startServer>[0]): Promise<unknown> =>
  startServer(options).then(
    (server) => {
      cleanups.push(() => server.close())
      return undefined
    },
    (error: unknown) => error
  )

describe("startServer on a port and database another server already uses", () => {
  it("fails with the port error and leaves the first server's running tasks untouched", {
    timeout: 90_000
  }, async () => {
    const dir = await tempDir("single-writer")
    cleanups.push(() => removeDir(dir))
    const database = join(dir, "db", "coderclaw.db")

    // Three tasks left running in the journal, as after a crash.
    const seed = ManagedRuntime.make(
      Runtime.layer({ agents: testAgents }).pipe(
        Layer.provide([SqliteJournal.layer({ filename: database }), Authorizer.permissive])
      )
    )
    const ids = await seed.runPromise(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const ids: Array<string> = []
        for (let i = 0; i < 3; i++) ids.push((yield* runtime.submit(me, { agentId: "idle", description: `i${i}` })).id)
        return ids
      })
    )
    const statuses = () =>
      seed.runPromise(
        Effect.gen(function* () {
          const runtime = yield* Runtime
          return yield* Effect.forEach(ids, (id) => Effect.map(runtime.get(me, id), (task) => task.status))
        })
      )
    await until(async () => (await statuses()).every((status) => status === "running"), {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: "the seeded tasks to run"
    })
    await seed.dispose()

    const first: CoderclawServer = await startServer({
      cwd: dir,
      config: { port: 0, database: "db/coderclaw.db" },
      agents: testAgents,
      builtins: false,
      env: {}
    })
    cleanups.push(() => first.close())
    // The first server recovered them (one event each, as attempt 2 starts): wait for its writes to settle.
    const seeded = await lastPosition(database)
    await until(async () => (await lastPosition(database)) >= seeded + 3, {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: "the first server to resume the tasks"
    })
    let before = await lastPosition(database)
    await until(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 200))
        const now = await lastPosition(database)
        const settled = now === before
        before = now
        return settled
      },
      { timeoutMs: 30_000, intervalMs: 20, what: "the first server's writes to settle" }
    )

    const second = await refusedStart({
      cwd: dir,
      config: { port: first.port, database: "db/coderclaw.db" },
      agents: testAgents,
      builtins: false,
      env: {}
    })
    expect(second).toMatchObject({ _tag: "WsServerError" })
    expect(String((second as { reason: string }).reason)).toContain("EADDRINUSE")

    // Nothing was appended by the failed start: the tasks were not interrupted or run a second time.
    expect(await lastPosition(database)).toBe(before)
    await first.close()
    const records = await Effect.runPromise(
      Effect.scoped(
        Effect.flatMap(SqliteJournal.make({ filename: database }), (journal) =>
          Effect.forEach(ids, (id) => journal.loadTask(id as never))
        )
      )
    )
    // Still running, on their second attempt: the one the first server started, not a third.
    expect(
      records.map((record) => (record._tag === "Some" ? [record.value.status, record.value.attempt] : []))
    ).toEqual([
      ["running", 2],
      ["running", 2],
      ["running", 2]
    ])
  })

  it("refuses a second server on the same database (another port), naming the first as the holder", async () => {
    const dir = await tempDir("single-writer-db")
    cleanups.push(() => removeDir(dir))
    const first = await startServer({
      cwd: dir,
      config: { port: 0, database: "db/coderclaw.db" },
      builtins: false,
      env: {}
    })
    cleanups.push(() => first.close())
    const error = await refusedStart({
      cwd: dir,
      config: { port: 0, database: "db/coderclaw.db" },
      builtins: false,
      env: {}
    })
    expect(error).toMatchObject({ _tag: "SqliteJournalRefused", reason: "Locked", holder: { pid: process.pid } })
    // The refused server released its port again: the first keeps serving.
    expect(first.port).toBeGreaterThan(0)
  })
})
