import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { Authorizer, defineAgent, Runtime } from "@coderclaw/runtime"
import { testPrincipal } from "@coderclaw/test-kit"
import { Effect, Layer, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal } from "../src/index.js"
import { describeEachDriver } from "./support/drivers.js"

const echo = defineAgent({
  id: "echo",
  name: "Echo",
  run: (input) => Effect.succeed({ echoed: `value-${String(input)}` })
})
const me = testPrincipal("me", { sessionId: "s-1", roles: [] })

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-store-sqlite-runtime-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describeEachDriver("SQLite runtime damage", (driver) => {
  const runtimeOn = (filename: string) =>
    Runtime.layer({ agents: [echo] }).pipe(
      Layer.provide([SqliteJournal.layer({ filename, driver: driver.name }), Authorizer.permissive])
    )

  describe("a runtime over a journal with one damaged task", () => {
    it("keeps listing, streaming from 0 and running the others; health is degraded naming the task", async () => {
      const filename = join(root, driver.name.replace(":", "-"), "runtime.db")
      const ids = await Effect.runPromise(
        Effect.gen(function* () {
          const runtime = yield* Runtime
          const ids: Array<string> = []
          for (let i = 0; i < 5; i++) {
            const task = yield* runtime.submit(me, { agentId: "echo", description: `echo ${i}`, input: 100 + i })
            yield* Stream.runDrain(runtime.subscribe(me, task.id))
            ids.push(task.id)
          }
          return ids
        }).pipe(Effect.provide(runtimeOn(filename)))
      )
      const victim = ids[2] as string
      // One digit of a stored result changed behind the journal's back.
      const db = driver.open(filename)
      const changed = db
        .prepare("UPDATE events SET event = replace(event, 'value-102', 'value-103') WHERE task_id = ?")
        .run(victim).changes
      db.close()
      expect(changed).toBeGreaterThan(0)

      const seen = await Effect.runPromise(
        Effect.gen(function* () {
          const runtime = yield* Runtime
          const get = yield* Effect.flip(runtime.get(me, victim))
          const listed = (yield* runtime.list(me, {}, { limit: 100 })).items.map((task) => task.id)
          const others = ids.filter((id) => id !== victim)
          const historyEvents = yield* Effect.forEach(others, (id) =>
            Stream.runCollect(runtime.subscribe(me, id)).pipe(Effect.map((events) => events.length))
          )
          // From position 0: every stored event of the other tasks, none of the damaged one's.
          const expected = historyEvents.reduce((sum, count) => sum + count, 0)
          const all: ReadonlyArray<TaskEventEnvelope> = yield* Stream.runCollect(
            runtime.subscribeAll(me, {}, 0).pipe(Stream.take(expected))
          ).pipe(Effect.timeout("30 seconds"))
          const status = yield* runtime.status(me)
          // New work still runs.
          const fresh = yield* runtime.submit(me, { agentId: "echo", description: "after", input: 7 })
          yield* Stream.runDrain(runtime.subscribe(me, fresh.id))
          const done = yield* runtime.get(me, fresh.id)
          return { get, listed, others, all, status, done }
        }).pipe(Effect.provide(runtimeOn(filename)))
      )
      expect(String(seen.get)).toContain(victim)
      expect([...seen.listed].sort()).toEqual([...seen.others].sort())
      expect(new Set(seen.all.map((envelope) => envelope.taskId))).toEqual(new Set(seen.others))
      expect(seen.status.health.state).toBe("degraded")
      const integrity = seen.status.health.checks.find((check) => check.name === "journal-integrity")
      expect(integrity).toMatchObject({ state: "degraded", observed: 1 })
      expect(integrity?.detail).toContain(victim)
      expect(seen.done.status).toBe("completed")
    })
  })
})
