import { makeDecoder, TaskEvent } from "@coderclaw/protocol"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decide, statusOf, type TaskCommand } from "../src/index.js"
import { freshTask, taskIn } from "./support/drive.js"

const decodeEvent = makeDecoder(TaskEvent, "task event")

const eventsOf = (snapshot: ReturnType<typeof freshTask>, command: TaskCommand) => {
  const decision = decide(snapshot, command)
  if (decision._tag === "Rejected") throw decision.error
  return decision
}

describe("decide", () => {
  it("numbers events after the snapshot's seq, starting at 2 after created", () => {
    const planned = eventsOf(freshTask(), { type: "plan" })
    expect(planned.events).toEqual([{ seq: 2, event: { type: "status_changed", from: "pending", to: "planning" } }])
    expect(planned.snapshot.context.seq).toBe(2)
  })

  it("journals a question before the move to waiting, and the answer before the move back", () => {
    const asked = eventsOf(taskIn("running"), { type: "request_input", prompt: "Which branch?" })
    expect(asked.events).toEqual([
      { seq: 4, event: { type: "input_requested", prompt: "Which branch?" } },
      { seq: 5, event: { type: "status_changed", from: "running", to: "waiting", waitingFor: "input" } }
    ])
    expect(asked.snapshot.context.waitingFor).toBe("input")
    const answered = eventsOf(asked.snapshot, { type: "provide_input", input: { branch: "main" } })
    expect(answered.events).toEqual([
      { seq: 6, event: { type: "input_provided", input: { branch: "main" } } },
      { seq: 7, event: { type: "status_changed", from: "waiting", to: "running" } }
    ])
    expect(answered.snapshot.context.waitingFor).toBeUndefined()
  })

  it("resumes only with the event the task waits for", () => {
    const waitingForChildren = taskIn("waiting", "children")
    const wrong = decide(waitingForChildren, { type: "provide_input", input: 1 })
    expect(wrong._tag).toBe("Rejected")
    if (wrong._tag === "Rejected") {
      expect(wrong.error.message).toBe(
        "Invalid transition: cannot move from 'waiting' to 'running' ('provide_input'): the task is waiting for children, not input"
      )
    }
    expect(statusOf(eventsOf(waitingForChildren, { type: "children_settled" }).snapshot)).toBe("running")
  })

  it("fails a task whose approval is denied, with APPROVAL_DENIED", () => {
    const denied = eventsOf(taskIn("waiting", "approval"), { type: "deny", reason: "too risky" })
    expect(denied.events.map((entry) => entry.event)).toEqual([
      { type: "approval_resolved", approved: false, reason: "too risky" },
      {
        type: "status_changed",
        from: "waiting",
        to: "failed",
        error: { code: "APPROVAL_DENIED", message: "too risky" }
      }
    ])
    expect(denied.snapshot.context.error?.code).toBe("APPROVAL_DENIED")
    expect(denied.snapshot.status).toBe("done")
  })

  it("clamps progress into 0–100 and keeps the last value for a non-finite one", () => {
    const running = taskIn("running")
    expect(eventsOf(running, { type: "progress", percent: 140 }).events[0]?.event).toEqual({
      type: "progress",
      percent: 100
    })
    expect(eventsOf(running, { type: "progress", percent: -5 }).events[0]?.event).toEqual({
      type: "progress",
      percent: 0
    })
    const half = eventsOf(running, { type: "progress", percent: 50, message: "half" }).snapshot
    const nan = eventsOf(half, { type: "progress", percent: Number.NaN })
    expect(nan.events[0]?.event).toEqual({ type: "progress", percent: 50 })
    expect(nan.snapshot.context.progress).toEqual({ percent: 50, message: undefined })
  })

  it("records progress and outputs as events inside a state, not transitions", () => {
    const running = taskIn("running")
    for (const command of [
      { type: "progress", percent: 10 },
      { type: "output", name: "summary", value: { files: 3 } },
      { type: "log", level: "warn", message: "slow disk" }
    ] as const) {
      const decision = eventsOf(running, command)
      expect(statusOf(decision.snapshot)).toBe("running")
      expect(decision.events).toHaveLength(1)
      expect(decision.events[0]?.event.type).not.toBe("status_changed")
    }
  })

  it("retries inside running until the attempts run out, then refuses", () => {
    const error = { code: "AGENT_ERROR", message: "flaky" }
    const first = eventsOf(taskIn("running"), { type: "attempt_failed", error, retryInMs: 100 })
    expect(first.events[0]?.event).toEqual({
      type: "attempt_failed",
      attempt: 1,
      maxAttempts: 3,
      error,
      retryInMs: 100
    })
    const second = eventsOf(first.snapshot, { type: "attempt_failed", error, retryInMs: 200 })
    expect(second.snapshot.context.attempt).toBe(3)
    const third = decide(second.snapshot, { type: "attempt_failed", error, retryInMs: 400 })
    expect(third._tag).toBe("Rejected")
    if (third._tag === "Rejected") expect(third.error.detail).toBe("attempt 3 of 3 was the last; fail the task instead")
  })

  it("decides complete-versus-cancel by order: the second one is refused and changes nothing", () => {
    const running = taskIn("running")
    const completed = eventsOf(running, { type: "complete", result: "done" }).snapshot
    const late = decide(completed, { type: "cancel", reason: "too late" })
    expect(late._tag).toBe("Rejected")
    if (late._tag === "Rejected") {
      expect(late.error.from).toBe("completed")
      expect(late.error.to).toBe("cancelled")
    }
    expect(completed.context.result).toBe("done")
  })

  it("leaves a refused command's snapshot untouched (same object)", () => {
    const pending = freshTask()
    const decision = decide(pending, { type: "complete", result: null })
    expect(decision._tag).toBe("Rejected")
    expect(statusOf(pending)).toBe("pending")
    expect(pending.context.seq).toBe(1)
  })

  it("produces only events the protocol schema accepts", () => {
    const script: ReadonlyArray<TaskCommand> = [
      { type: "plan" },
      { type: "progress", percent: 5, message: "reading the repo" },
      { type: "start" },
      { type: "spawn_child", childId: "0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never, agentId: "echo" },
      { type: "await_children" },
      { type: "children_settled" },
      { type: "request_approval", skillId: "shell.run", summary: "run the tests" },
      { type: "approve", reason: "fine" },
      { type: "artifact", name: "report", uri: "file:///tmp/r.md", bytes: 10 },
      { type: "attempt_failed", error: { code: "AGENT_ERROR", message: "flaky" }, retryInMs: 50 },
      { type: "complete", result: [1, 2, 3] }
    ]
    let snapshot = freshTask()
    const events: Array<unknown> = []
    for (const command of script) {
      const decision = eventsOf(snapshot, command)
      snapshot = decision.snapshot
      events.push(...decision.events.map((entry) => entry.event))
    }
    expect(events.length).toBeGreaterThan(script.length)
    for (const event of events) {
      expect(Result.isSuccess(decodeEvent(event)), JSON.stringify(event)).toBe(true)
    }
  })
})
