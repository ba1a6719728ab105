import { describe, expect, it } from "vitest"
import {
  AgentNotFound,
  errorCodeOf,
  errorCodes,
  Forbidden,
  fromErrorInfo,
  InternalError,
  InvalidRequest,
  InvalidTransition,
  isRetryable,
  isRuntimeError,
  LeaseLost,
  Overloaded,
  RateLimited,
  type RuntimeError,
  TaskNotFound,
  Timeout,
  toErrorInfo,
  Unauthenticated,
  Unavailable,
  UnsupportedProtocolVersion
} from "../src/index.js"

const oneOfEach: ReadonlyArray<RuntimeError> = [
  new InvalidRequest({ what: "submit request", issues: [{ path: ["description"], message: "Missing key" }] }),
  new TaskNotFound({ taskId: "0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" }),
  new AgentNotFound({ agentId: "nobody" }),
  new InvalidTransition({ taskId: "t-1", from: "completed", to: "running", event: "start" }),
  new Unauthenticated({ reason: "expired" }),
  new Forbidden({ action: "task:cancel", resource: "task/t-1", reasons: ["policy:readonly-cannot-cancel"] }),
  new Overloaded({ queued: 10_000, limit: 10_000, retryAfterMs: 250 }),
  new RateLimited({ retryAfterMs: 1_000 }),
  new Timeout({ operation: "submit", timeoutMs: 5_000 }),
  new Unavailable({ reason: "shutting down" }),
  new UnsupportedProtocolVersion({ offered: { min: 3, max: 4 }, supported: { min: 1, max: 1 } }),
  new LeaseLost({ leaseId: "worker-1.7.task", reason: "expired" }),
  new InternalError({ reference: "log-123" })
]

describe("runtime errors on the wire", () => {
  it("has one error class per code", () => {
    expect(new Set(oneOfEach.map(errorCodeOf))).toEqual(new Set(Object.keys(errorCodes)))
  })

  for (const error of oneOfEach) {
    it(`${error._tag} survives toErrorInfo → JSON → fromErrorInfo as the same typed error`, () => {
      const info = toErrorInfo(error)
      expect(info.code).toBe(errorCodeOf(error))
      expect(info.retryable).toBe(errorCodes[info.code].retryable)
      expect(info.message).toBe(error.message)
      const back = fromErrorInfo(JSON.parse(JSON.stringify(info)))
      expect(back).toBeInstanceOf(error.constructor)
      expect(back).toEqual(error)
      expect(back.message).toBe(error.message)
      expect(isRuntimeError(back)).toBe(true)
    })
  }

  it("marks only transient conditions retryable and carries retryAfterMs", () => {
    expect(oneOfEach.filter(isRetryable).map((error) => error._tag)).toEqual([
      "Overloaded",
      "RateLimited",
      "Timeout",
      "Unavailable"
    ])
    expect(toErrorInfo(new RateLimited({ retryAfterMs: 1_000 })).retryAfterMs).toBe(1_000)
  })

  it("messages name what went wrong", () => {
    expect(new InvalidTransition({ taskId: "t-1", from: "completed", to: "running", event: "start" }).message).toBe(
      "Invalid transition for task t-1: from 'completed' to 'running' ('start')"
    )
    expect(new TaskNotFound({ taskId: "abc" }).message).toBe("Task abc not found")
  })

  it("turns unreadable details into an InternalError instead of an untyped value", () => {
    const garbage = fromErrorInfo({ code: "TASK_NOT_FOUND", message: "gone", retryable: false, details: { nope: 1 } })
    expect(garbage).toBeInstanceOf(InternalError)
    const mismatched = fromErrorInfo({
      code: "FORBIDDEN",
      message: "x",
      retryable: false,
      details: { _tag: "TaskNotFound", taskId: "abc" }
    })
    expect(mismatched).toBeInstanceOf(InternalError)
  })
})
