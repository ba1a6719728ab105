import { Effect, Layer, ManagedRuntime, Option, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { Authorizer, defineAgent, Journal, makeInMemoryJournal, Runtime } from "../src/index.js"
import { alice } from "./support/harness.js"

const sleeper = (ms: number) =>
  defineAgent({
    id: "sleeper",
    name: "sleeper",
    run: (input) => Effect.sleep(ms).pipe(Effect.as(input))
  })

const runtimeOn = (journal = makeInMemoryJournal(), agentMs = 30, shutdownGraceMs = 1_000) =>
  ManagedRuntime.make(
    Runtime.layer({ agents: [sleeper(agentMs)], shutdownGraceMs }).pipe(
      Layer.provide(Layer.merge(Layer.succeed(Journal, journal), Authorizer.permissive))
    )
  )

describe("graceful shutdown", () => {
  it("lets running attempts finish within the grace period, then refuses new work", async () => {
    const journal = makeInMemoryJournal()
    const managed = runtimeOn(journal, 30)
    const task = await managed.runPromise(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const submitted = yield* runtime.submit(alice, { agentId: "sleeper", description: "short", input: 1 })
        while ((yield* runtime.get(alice, submitted.id)).status !== "running") yield* Effect.sleep(1)
        yield* runtime.shutdown()
        const refused = yield* Effect.flip(runtime.submit(alice, { agentId: "sleeper", description: "late" }))
        expect(refused._tag).toBe("Unavailable")
        const status = yield* runtime.status(alice)
        expect(status.health.checks.find((check) => check.name === "accepting")?.state).toBe("failing")
        return submitted
      })
    )
    await managed.dispose()
    const stored = Option.getOrThrow(await Effect.runPromise(journal.loadTask(task.id)))
    expect(stored.status).toBe("completed")
  })

  it("interrupts attempts still running after the grace period; they stay running in the journal", async () => {
    const journal = makeInMemoryJournal()
    const managed = runtimeOn(journal, 60_000, 20)
    const task = await managed.runPromise(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const submitted = yield* runtime.submit(alice, { agentId: "sleeper", description: "long" })
        while ((yield* runtime.get(alice, submitted.id)).status !== "running") yield* Effect.sleep(1)
        return submitted
      })
    )
    const started = Date.now()
    await managed.dispose()
    // Far below the sleeper's 60 s: the grace period ended it, however busy the machine is.
    expect(Date.now() - started).toBeLessThan(30_000)
    const stored = Option.getOrThrow(await Effect.runPromise(journal.loadTask(task.id)))
    expect(stored.status).toBe("running")
  })

  it("reports real figures in status()", async () => {
    const managed = runtimeOn(makeInMemoryJournal(), 1)
    const status = await managed.runPromise(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const task = yield* runtime.submit(alice, { agentId: "sleeper", description: "one" })
        yield* Stream.runDrain(runtime.subscribe(alice, task.id))
        expect((yield* runtime.get(alice, task.id)).status).toBe("completed")
        return yield* runtime.status(alice)
      })
    )
    await managed.dispose()
    expect(status.tasks.completed).toBe(1)
    expect(status.queueDepth).toBe(0)
    expect(status.mode).toBe("local-only")
    expect(status.uptimeMs).toBeGreaterThan(0)
    // Measured health: event-loop lag on a busy machine may degrade it, a writable journal never fails it.
    expect(["ok", "degraded"]).toContain(status.health.state)
    expect(status.health.checks.find((check) => check.name === "journal-writable")?.state).toBe("ok")
    expect(status.health.checks.map((check) => check.name)).toEqual(["journal-writable", "event-loop-lag", "queue"])
  })
})
