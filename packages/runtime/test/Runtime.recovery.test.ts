import type { JsonValue, TaskRecord } from "@coderclaw/protocol"
import { Effect, Layer, Option } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { defineAgent, Journal, type JournalShape, makeInMemoryJournal } from "../src/index.js"
import { alice, eventTypes, type Harness, startRuntime, until } from "./support/harness.js"

const running: Array<Harness> = []
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.dispose()
})

const start = (journal: JournalShape, ...args: Parameters<typeof startRuntime>) => {
  const harness = startRuntime(args[0], Layer.succeed(Journal, journal))
  running.push(harness)
  return harness
}

/** An agent that checkpoints its step and, on its first run, hangs after step 2 (as if the process died). */
const stepper = (runs: Array<{ attempt: number; from: unknown }>, hangOnFirstRun: boolean) =>
  defineAgent({
    id: "stepper",
    name: "stepper",
    // One at a time, so a second stepper task stays queued behind a hanging one.
    maxConcurrent: 1,
    run: (_input, ctx) =>
      Effect.gen(function* () {
        runs.push({ attempt: ctx.attempt, from: ctx.checkpoint ?? null })
        const first = (ctx.checkpoint as { step: number } | undefined)?.step ?? 0
        for (let step = first + 1; step <= 4; step++) {
          yield* ctx.saveCheckpoint({ step })
          if (hangOnFirstRun && runs.length === 1 && step === 2) yield* Effect.never
        }
        return { steps: 4, resumedFrom: first }
      })
  })

const question = defineAgent({
  id: "question",
  name: "question",
  run: (_input, ctx) => Effect.map(ctx.askInput("which branch?"), (answer) => ({ answer }))
})

describe("recovery after a restart", () => {
  it("re-queues pending tasks, restarts running ones from their checkpoint, keeps waiting ones waiting", async () => {
    const journal = makeInMemoryJournal()
    const runs: Array<{ attempt: number; from: unknown }> = []
    const first = start(journal, {
      agents: [stepper(runs, true), question],
      maxConcurrentTasks: 2,
      shutdownGraceMs: 0
    })
    const hanging = await first.submit({ agentId: "stepper", description: "steps" })
    const waiting = await first.submit({ agentId: "question", description: "asks" })
    const queued = await first.submit({ agentId: "stepper", description: "queued behind" })
    await until(async () => (await first.get(waiting.id)).status === "waiting")
    await until(() => runs.length === 1)
    await until(async () => Option.isSome(await Effect.runPromise(journal.loadCheckpoint(hanging.id))))
    expect((await first.get(queued.id)).status).toBe("pending")
    await first.dispose()
    running.splice(0)

    const second = start(journal, { agents: [stepper(runs, false), question], maxConcurrentTasks: 2 })
    const resumed = await second.settled(hanging.id)
    expect(resumed.status).toBe("completed")
    expect(resumed.attempt).toBe(2)
    expect(resumed.result).toEqual({ steps: 4, resumedFrom: 2 })
    expect(runs[1]).toEqual({ attempt: 2, from: { step: 2 } })
    const interrupted = (await second.events(hanging.id)).find((e) => e.event.type === "attempt_failed")
    expect(interrupted?.event).toMatchObject({ type: "attempt_failed", error: { code: "INTERRUPTED" } })
    expect(interrupted?.causedBy).toBe("system:recovery")

    expect((await second.settled(queued.id)).status).toBe("completed")
    expect((await second.get(waiting.id)).status).toBe("waiting")
    await second.call((runtime) => runtime.provideInput(alice, waiting.id, "main"))
    const answered = await second.settled(waiting.id)
    expect(answered.result).toEqual({ answer: "main" })
    for (const task of [hanging, waiting, queued]) {
      const seqs = (await second.events(task.id)).map((e) => e.seq)
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    }
  })

  it("fails a running task whose attempts are used up instead of running it again", async () => {
    const journal = makeInMemoryJournal()
    const runs: Array<{ attempt: number; from: unknown }> = []
    const first = start(journal, { agents: [stepper(runs, true)], shutdownGraceMs: 0 })
    const task = await first.submit({ agentId: "stepper", description: "one shot", maxAttempts: 1 })
    await until(() => runs.length === 1)
    await first.dispose()
    running.splice(0)
    const second = start(journal, { agents: [stepper(runs, false)] })
    const ended = await second.settled(task.id)
    expect(ended.status).toBe("failed")
    expect(ended.error?.code).toBe("INTERRUPTED")
    expect(runs).toHaveLength(1)
  })

  it("refuses to start on a journal whose records are inconsistent, naming the task", async () => {
    const journal = makeInMemoryJournal()
    const first = start(journal, { agents: [question] })
    const task = await first.submit({ agentId: "question", description: "asks" })
    await until(async () => (await first.get(task.id)).status === "waiting")
    await first.dispose()
    running.splice(0)
    const broken: JournalShape = {
      ...journal,
      activeTasks: Effect.map(
        journal.activeTasks,
        (records): ReadonlyArray<TaskRecord> => records.map(({ waitingFor: _dropped, ...record }) => record)
      )
    }
    const second = start(broken, { agents: [question] })
    const failure = await second.get(task.id).catch((error: unknown) => error)
    expect(failure).toMatchObject({ _tag: "JournalError", reason: "Corrupt", taskId: task.id })
  })

  it("passivates waiting tasks and re-runs their agent when they resume", async () => {
    let runs = 0
    const twoQuestions = defineAgent({
      id: "two-questions",
      name: "two questions",
      run: (_input, ctx) =>
        Effect.gen(function* () {
          runs++
          const saved = ctx.checkpoint as { first?: JsonValue } | undefined
          const first = saved?.first ?? (yield* ctx.askInput("first?"))
          yield* ctx.saveCheckpoint({ first })
          const second = yield* ctx.askInput("second?")
          return { first, second }
        })
    })
    const harness = start(makeInMemoryJournal(), { agents: [twoQuestions], passivateWaiting: true })
    const task = await harness.submit({ agentId: "two-questions", description: "two answers" })
    await until(async () => (await harness.get(task.id)).status === "waiting")
    await harness.call((runtime) => runtime.provideInput(alice, task.id, "one"))
    await until(
      async () => (await harness.get(task.id)).lastSeq >= 8 && (await harness.get(task.id)).status === "waiting"
    )
    await harness.call((runtime) => runtime.provideInput(alice, task.id, "two"))
    const done = await harness.settled(task.id)
    expect(done.result).toEqual({ first: "one", second: "two" })
    expect(runs).toBe(3)
    expect(eventTypes(await harness.events(task.id))).toEqual([
      "created",
      "pending→planning",
      "planning→running",
      "input_requested",
      "running→waiting",
      "input_provided",
      "waiting→running",
      "input_requested",
      "running→waiting",
      "input_provided",
      "waiting→running",
      "running→completed"
    ])
  })
})

describe("recovery that is itself interrupted", () => {
  it("counts no attempt for a re-run that never started before the next stop", async () => {
    const journal = makeInMemoryJournal()
    const runs: Array<{ attempt: number; from: unknown }> = []
    const first = start(journal, { agents: [stepper(runs, true)], shutdownGraceMs: 0 })
    const task = await first.submit({ agentId: "stepper", description: "two attempts", maxAttempts: 2 })
    await until(() => runs.length === 1)
    await first.dispose()
    running.splice(0)

    // Recovered, but stopped before its agent could start again (no slot for it: the agent may run none).
    const blocked = { ...stepper(runs, false), descriptor: { ...stepper(runs, false).descriptor, maxConcurrent: 0 } }
    for (let restart = 0; restart < 3; restart++) {
      const recovering = start(journal, { agents: [blocked], shutdownGraceMs: 0 })
      expect((await recovering.get(task.id)).status).toBe("running")
      await recovering.dispose()
      running.splice(0)
    }
    expect(runs).toHaveLength(1)
    const stored = Option.getOrThrow(await Effect.runPromise(journal.loadTask(task.id)))
    expect(stored.attempt).toBe(1)

    const last = start(journal, { agents: [stepper(runs, false)] })
    const ended = await last.settled(task.id)
    expect(ended.status).toBe("completed")
    expect(ended.attempt).toBe(2)
    expect(runs[1]).toEqual({ attempt: 2, from: { step: 2 } })
    const interrupted = (await last.events(task.id)).filter((e) => e.event.type === "attempt_failed")
    expect(interrupted).toHaveLength(1)
  })
})

describe("recovery of a task waiting out a retry's back-off", () => {
  it("runs the retry when its back-off ends, recording no interrupted attempt", async () => {
    const journal = makeInMemoryJournal()
    const attempts: Array<number> = []
    const flaky = (failFirst: boolean) =>
      defineAgent({
        id: "flaky",
        name: "flaky",
        run: (_input, ctx) =>
          Effect.gen(function* () {
            attempts.push(ctx.attempt)
            if (failFirst && ctx.attempt === 1) return yield* Effect.fail(new Error("first try fails"))
            return { attempt: ctx.attempt }
          })
      })
    // The back-off is long enough that the restart below certainly happens before it ends.
    const retry = { initialDelayMs: 5_000, factor: 1, maxDelayMs: 5_000 }
    const first = start(journal, { agents: [flaky(true)], retry, shutdownGraceMs: 0 })
    const task = await first.submit({ agentId: "flaky", description: "retried", maxAttempts: 2 })
    await until(async () => (await first.get(task.id)).attempt === 2)
    await first.dispose()
    running.splice(0)

    const second = start(journal, { agents: [flaky(false)], retry })
    const ended = await second.settled(task.id)
    expect(ended.status).toBe("completed")
    expect(ended.result).toEqual({ attempt: 2 })
    expect(attempts).toEqual([1, 2])
    const failures = (await second.events(task.id)).filter((e) => e.event.type === "attempt_failed")
    expect(failures.map((e) => (e.event as { error: { code: string } }).error.code)).toEqual(["AGENT_ERROR"])
  }, 30_000)
})
