import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Authorizer, defineAgent, Runtime, type RuntimeShape } from "@coderclaw/runtime"
import { alice } from "@coderclaw/test-kit"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteJournal } from "../src/index.js"
import { describeEachDriver } from "./support/drivers.js"

const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "coderclaw-idempotency-"))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describeEachDriver("SQLite idempotency keys", (driver) => {
  const runtimeOn = (filename: string) => {
    const managed = ManagedRuntime.make(
      Runtime.layer({ agents: [echo] }).pipe(
        Layer.provide(Layer.merge(SqliteJournal.layer({ filename, driver: driver.name }), Authorizer.permissive))
      )
    )
    const call = <A, E>(use: (runtime: RuntimeShape) => Effect.Effect<A, E>) =>
      managed.runPromise(
        Effect.gen(function* () {
          return yield* use(yield* Runtime)
        })
      )
    return { managed, call }
  }

  describe("idempotency keys in a SQLite journal", () => {
    it("survive a restart: a new runtime on the same file returns the original task to a retry", async () => {
      const filename = join(root, driver.name.replace(":", "-"), "journal.db")
      const request = { agentId: "echo", description: "once", input: 7, idempotencyKey: "deploy-2026-12-06" }
      const first = runtimeOn(filename)
      const created = await first.call((runtime) => runtime.submit(alice, request))
      await first.call((runtime) => Stream.runDrain(runtime.subscribe(alice, created.id)))
      await first.managed.dispose()

      const second = runtimeOn(filename)
      try {
        const retried = await second.call((runtime) => runtime.submit(alice, request))
        expect(retried.id).toBe(created.id)
        expect(retried.status).toBe("completed")
        const conflict = await second.call((runtime) => Effect.flip(runtime.submit(alice, { ...request, input: 8 })))
        expect(conflict._tag).toBe("InvalidRequest")
        const page = await second.call((runtime) => runtime.list(alice, {}, {}))
        expect(page.items.map((task) => task.id)).toEqual([created.id])
      } finally {
        await second.managed.dispose()
      }
    })
  })
})
