import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  isTerminalStatus,
  makeDecoder,
  TaskRecord,
  TaskStatus,
  TerminalStatus,
  taskStatuses,
  WaitingReason
} from "../src/index.js"

describe("TaskStatus", () => {
  it("lists the seven lifecycle statuses, three of them final", () => {
    expect(taskStatuses).toEqual(["pending", "planning", "running", "waiting", "completed", "failed", "cancelled"])
    expect(taskStatuses.filter(isTerminalStatus)).toEqual(TerminalStatus.literals)
    expect(WaitingReason.literals).toEqual(["input", "children", "approval"])
  })

  it("refuses an unknown status and says which ones exist", () => {
    const result = makeDecoder(TaskStatus, "status")("paused")
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isFailure(result)) {
      expect(result.failure.message).toBe(
        'Invalid status: (root): Expected "pending" | "planning" | "running" | "waiting" | "completed" | "failed" | "cancelled"'
      )
    }
  })

  it("names the nested field of a record with an unknown status", () => {
    const result = makeDecoder(TaskRecord, "task record")({ status: "paused" })
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isFailure(result)) {
      expect(result.failure.issues.find((issue) => issue.path[0] === "status")?.message).toMatch(/^Expected "pending"/)
    }
  })
})
