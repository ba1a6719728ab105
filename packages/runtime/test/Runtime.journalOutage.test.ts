import { isRetryable, type TaskEventEnvelope, type Unavailable } from "@coderclaw/protocol"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, describe, expect, it } from "vitest"
import {
  defineAgent,
  Journal,
  JournalError,
  type JournalShape,
  makeInMemoryJournal,
  Runtime,
  type RuntimeOptions
} from "../src/index.js"
import { alice, type Harness, startRuntime, until } from "./support/harness.js"

const running: Array<Harness> = []
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.dispose()
})

/** An in-memory journal whose writes fail as on a full disk while `full` is set. */
const fillableJournal = () => {
  const inner = makeInMemoryJournal()
  const state = { full: false, refused: 0 }
  const refuse = () => {
    state.refused++
    return Effect.fail(new JournalError({ reason: "Full", detail: "SQLITE_FULL: database or disk is full" }))
  }
  const journal: JournalShape = {
    ...inner,
    append: (events) => Effect.suspend(() => (state.full ? refuse() : inner.append(events))),
    saveCheckpoint: (taskId, data) => Effect.suspend(() => (state.full ? refuse() : inner.saveCheckpoint(taskId, data)))
  }
  return { journal, inner, state }
}

/** An agent that reports progress, then finishes when the test opens its gate. */
const gated = () => {
  let open: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  const agent = defineAgent({
    id: "gated",
    name: "gated",
    run: (input, ctx) =>
      Effect.gen(function* () {
        yield* ctx.progress(10, "started")
        yield* Effect.promise(() => gate)
        yield* ctx.saveCheckpoint({ done: true })
        yield* ctx.progress(90, "finishing")
        return input
      })
  })
  return { agent, open: () => open() }
}

const start = (journal: JournalShape, options: RuntimeOptions) => {
  const harness = startRuntime(options, Layer.succeed(Journal, journal))
  running.push(harness)
  return harness
}

const journalCheck = async (harness: Harness) =>
  (await harness.call((runtime) => runtime.status(alice))).health.checks.find(
    (check) => check.name === "journal-writable"
  )

describe("a journal that refuses writes for a while (disk full)", () => {
  it("finishes every task once it recovers: slots released, health failing then ok, no event lost or duplicated", async () => {
    const { journal, inner, state } = fillableJournal()
    const { agent, open } = gated()
    const harness = start(journal, {
      agents: [agent],
      maxConcurrentTasks: 2,
      journalRetry: { initialDelayMs: 1, factor: 2, maxDelayMs: 20 },
      journalWaitMs: 50
    })
    const submitted = await Promise.all(
      [1, 2, 3, 4].map((n) => harness.submit({ agentId: "gated", description: `task ${n}`, input: n }))
    )
    // Two run (and reported progress), two wait for a slot.
    await until(
      async () =>
        (await Promise.all(submitted.map((t) => harness.get(t.id)))).filter((t) => (t.progress?.percent ?? 0) >= 10)
          .length === 2
    )

    state.full = true
    open()
    await until(() => state.refused >= 3, { timeoutMs: 10_000 })
    expect((await journalCheck(harness))?.state).toBe("failing")
    // A caller is told at once that the runtime cannot take the task now, and may retry.
    const refused = await harness
      .submit({ agentId: "gated", description: "during the outage" })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ _tag: "Unavailable" })
    expect(String((refused as Error).message)).toContain("full")

    state.full = false
    const ended = await Promise.all(submitted.map((t) => harness.settled(t.id)))
    expect(ended.map((t) => t.status)).toEqual(["completed", "completed", "completed", "completed"])
    expect(ended.map((t) => t.result)).toEqual([1, 2, 3, 4])
    expect((await journalCheck(harness))?.state).toBe("ok")

    // The runtime goes on by itself: a new task gets a slot and runs.
    const after = await harness.submit({ agentId: "gated", description: "after", input: 5 })
    expect((await harness.settled(after.id)).status).toBe("completed")

    // Nothing lost or stored twice: positions 1…N, per-task seqs 1…n, one final event per task.
    const all: ReadonlyArray<TaskEventEnvelope> = await Effect.runPromise(inner.readAll(0, 10_000))
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1))
    for (const task of [...submitted, after]) {
      const events = all.filter((e) => e.taskId === task.id)
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
      const finals = events.filter((e) => e.event.type === "status_changed" && e.event.to === "completed")
      expect(finals).toHaveLength(1)
    }
    const status = await harness.call((runtime) => runtime.status(alice))
    expect(status.tasks.running + status.tasks.pending).toBe(0)
  })
})

describe("a caller's wait for a failing journal (virtual time)", () => {
  it("answers submit with a retryable Unavailable after journalWaitMs, and creates nothing", async () => {
    const { journal, inner, state } = fillableJournal()
    const { agent } = gated()
    const harness = startRuntime(
      { agents: [agent], journalWaitMs: 5_000 },
      Layer.merge(Layer.succeed(Journal, journal), TestClock.layer())
    )
    running.push(harness)
    state.full = true
    const outcome = await harness.run(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const fiber = yield* Effect.forkChild(
          Effect.flip(runtime.submit(alice, { agentId: "gated", description: "x" }))
        )
        yield* TestClock.adjust("4 seconds")
        const early = fiber.pollUnsafe()
        yield* TestClock.adjust("2 seconds")
        return { early, error: yield* Fiber.join(fiber) }
      })
    )
    expect(outcome.early).toBeUndefined()
    expect(outcome.error).toMatchObject({ _tag: "Unavailable" })
    expect(isRetryable(outcome.error as Unavailable)).toBe(true)
    expect(state.refused).toBeGreaterThan(3)
    expect(await Effect.runPromise(inner.lastPosition)).toBe(0)
  })
})

describe("shutdown while the journal refuses writes", () => {
  it("stops the retrying steps instead of waiting for the journal for ever; the task stays as journalled", async () => {
    const { journal, inner, state } = fillableJournal()
    const { agent, open } = gated()
    const harness = startRuntime(
      { agents: [agent], shutdownGraceMs: 0, journalRetry: { initialDelayMs: 1, factor: 2, maxDelayMs: 10 } },
      Layer.succeed(Journal, journal)
    )
    const task = await harness.submit({ agentId: "gated", description: "stuck" })
    await until(async () => ((await harness.get(task.id)).progress?.percent ?? 0) >= 10)
    state.full = true
    open()
    await until(() => state.refused >= 3)
    await harness.dispose()
    const stored = await Effect.runPromise(inner.loadTask(task.id))
    expect(stored._tag === "Some" && stored.value.status).toBe("running")
  })
})
