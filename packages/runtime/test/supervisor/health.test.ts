import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import { makeAccess } from "../../src/supervisor/access.js"
import { makeHealth } from "../../src/supervisor/health.js"
import { alice } from "../support/harness.js"
import { createdTask, withState } from "./support.js"

const quietLoop = { readP99Ms: Effect.succeed(1) }

describe("health", () => {
  it("is ok when every check is, and reports uptime on the runtime's clock", () =>
    withState((state) =>
      Effect.gen(function* () {
        const status = makeHealth(state, makeAccess(state), quietLoop, 0)
        yield* TestClock.adjust("90 seconds")
        const report = yield* status(alice)
        expect(report.health.state).toBe("ok")
        expect(report.uptimeMs).toBe(90_000)
        expect(report.nodeId).toBe(state.nodeId)
        expect(report.health.checks.map((check) => check.name)).toEqual(["journal-writable", "event-loop-lag", "queue"])
      })
    ))

  it("is as bad as its worst check: a nearly full queue degrades it, shutting down fails it", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const status = makeHealth(state, makeAccess(state), quietLoop, 0)
          for (let index = 0; index < 9; index++) state.queue.push((yield* createdTask(state)).id, "echo", 0)
          const degraded = yield* status(alice)
          expect(degraded.health.state).toBe("degraded")
          expect(degraded.queueDepth).toBe(9)
          state.accepting = false
          const failing = yield* status(alice)
          expect(failing.health.state).toBe("failing")
          expect(failing.health.checks.at(-1)).toMatchObject({ name: "accepting", state: "failing" })
        }),
      { maxQueued: 10 }
    ))

  it("reports a slow event loop and the host's own checks", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const status = makeHealth(state, makeAccess(state), { readP99Ms: Effect.succeed(250) }, 0)
          const report = yield* status(alice)
          expect(report.health.checks.find((check) => check.name === "event-loop-lag")).toMatchObject({
            state: "degraded",
            observed: 250
          })
          expect(report.health.checks.at(-1)).toEqual({ name: "sandbox", state: "degraded", detail: "no bubblewrap" })
        }),
      { healthChecks: [{ name: "sandbox", state: "degraded", detail: "no bubblewrap" }] }
    ))
})
