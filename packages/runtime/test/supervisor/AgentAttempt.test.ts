import { Cause, Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { AgentContext } from "../../src/agent/AgentContext.js"
import { AgentFailure, defineAgent } from "../../src/index.js"
import { attemptEnd, failureOf, makeAgentAttempt } from "../../src/supervisor/AgentAttempt.js"

const policy = { initialDelayMs: 100, factor: 2, maxDelayMs: 1_000 }
const context = {} as AgentContext

describe("AgentAttempt", () => {
  it("runs the agent once and returns how it ended, never failing", async () => {
    const ok = defineAgent({ id: "ok", name: "Ok", run: (input) => Effect.succeed({ echoed: input }) })
    const boom = defineAgent({ id: "boom", name: "Boom", run: () => Effect.fail(new Error("boom")) })
    const completed = await Effect.runPromise(makeAgentAttempt(ok, 7, 1, 3, context).run)
    expect(completed).toEqual({ _tag: "Completed", result: { echoed: 7 } })
    const failed = await Effect.runPromise(makeAgentAttempt(boom, null, 2, 3, context).run)
    expect(failed._tag).toBe("Failed")
    expect(failed._tag === "Failed" && failed.failure.message).toBe("boom")
  })

  it("records a completion, a retry with the policy's back-off, or the task's failure", () => {
    const failure = new AgentFailure({ code: "FLAKY", message: "try again" })
    expect(attemptEnd({ attempt: 1, maxAttempts: 3 }, { _tag: "Completed", result: 1 }, policy)).toEqual({
      type: "complete",
      result: 1
    })
    expect(attemptEnd({ attempt: 2, maxAttempts: 3 }, { _tag: "Failed", failure }, policy)).toEqual({
      type: "attempt_failed",
      error: { code: "FLAKY", message: "try again" },
      retryInMs: 200
    })
    // The last attempt, or a failure the agent marks final, fails the task.
    expect(attemptEnd({ attempt: 3, maxAttempts: 3 }, { _tag: "Failed", failure }, policy).type).toBe("fail")
    const final = new AgentFailure({ code: "BAD_INPUT", message: "no", retryable: false })
    expect(attemptEnd({ attempt: 1, maxAttempts: 3 }, { _tag: "Failed", failure: final }, policy)).toEqual({
      type: "fail",
      error: { code: "BAD_INPUT", message: "no" }
    })
  })

  it("turns any failure into an AgentFailure with a bounded message", () => {
    const own = new AgentFailure({ code: "MINE", message: "kept" })
    expect(failureOf(Cause.fail(own))).toBe(own)
    expect(failureOf(Cause.fail("x".repeat(5_000))).message).toHaveLength(4_000)
    expect(failureOf(Cause.fail(new Error(""))).message).toBe("the agent failed")
    expect(failureOf(Cause.die(new TypeError("bug")))).toMatchObject({ code: "AGENT_ERROR", message: "bug" })
  })
})
