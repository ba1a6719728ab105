import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { AgentFailure, defineAgent } from "../src/index.js"
import { eventTypes, type Harness, startRuntime } from "./support/harness.js"

let harness: Harness | undefined
afterEach(async () => {
  await harness?.dispose()
  harness = undefined
})

const echo = defineAgent({
  id: "echo",
  name: "Echo",
  run: (input, ctx) =>
    Effect.gen(function* () {
      yield* ctx.progress(50, "halfway")
      yield* ctx.output("echo", input)
      return { echoed: input }
    })
})

describe("runtime lifecycle", () => {
  it("runs a task from pending to completed and journals every step", async () => {
    harness = startRuntime({ agents: [echo] })
    const submitted = await harness.submit({ agentId: "echo", description: "say hi", input: "hi" })
    expect(submitted.status).toBe("pending")
    const done = await harness.settled(submitted.id)
    expect(done.status).toBe("completed")
    expect(done.result).toEqual({ echoed: "hi" })
    expect(done.progress).toEqual({ percent: 50, message: "halfway" })
    const events = await harness.events(submitted.id)
    expect(eventTypes(events)).toEqual([
      "created",
      "pending→planning",
      "planning→running",
      "progress",
      "output",
      "running→completed"
    ])
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it("retries a failing attempt with backoff and records each failure", async () => {
    let calls = 0
    const flaky = defineAgent({
      id: "flaky",
      name: "Flaky",
      run: () =>
        ++calls < 3 ? Effect.fail(new AgentFailure({ code: "FLAKY", message: `try ${calls}` })) : Effect.succeed("ok")
    })
    harness = startRuntime({ agents: [flaky], retry: { initialDelayMs: 1, factor: 2, maxDelayMs: 10 } })
    const task = await harness.submit({ agentId: "flaky", description: "retry me", maxAttempts: 3 })
    const done = await harness.settled(task.id)
    expect(done.status).toBe("completed")
    expect(done.attempt).toBe(3)
    const failures = (await harness.events(task.id)).flatMap((e) =>
      e.event.type === "attempt_failed" ? [e.event] : []
    )
    expect(failures.map((f) => [f.attempt, f.retryInMs, f.error.code])).toEqual([
      [1, 1, "FLAKY"],
      [2, 2, "FLAKY"]
    ])
  })
})
