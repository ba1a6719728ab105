import { TaskState } from "@a2a-js/sdk"
import { describe, expect, it } from "vitest"
import { a2aTaskState, isInterrupted, statusesOf } from "../src/a2a/a2aTaskState.js"

describe("a2aTaskState", () => {
  it("maps every status of our lifecycle as docs/a2a.md's table says", () => {
    expect(a2aTaskState({ status: "pending" })).toBe(TaskState.TASK_STATE_SUBMITTED)
    expect(a2aTaskState({ status: "planning" })).toBe(TaskState.TASK_STATE_WORKING)
    expect(a2aTaskState({ status: "running" })).toBe(TaskState.TASK_STATE_WORKING)
    expect(a2aTaskState({ status: "waiting", waitingFor: "input" })).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    expect(a2aTaskState({ status: "waiting", waitingFor: "approval" })).toBe(TaskState.TASK_STATE_INPUT_REQUIRED)
    expect(a2aTaskState({ status: "waiting", waitingFor: "children" })).toBe(TaskState.TASK_STATE_WORKING)
    expect(a2aTaskState({ status: "completed" })).toBe(TaskState.TASK_STATE_COMPLETED)
    expect(a2aTaskState({ status: "cancelled" })).toBe(TaskState.TASK_STATE_CANCELED)
    expect(a2aTaskState({ status: "failed", error: { code: "AGENT_ERROR", message: "boom" } })).toBe(
      TaskState.TASK_STATE_FAILED
    )
  })

  it("calls a refused task rejected: a denied approval or input the agent refused", () => {
    for (const code of ["APPROVAL_DENIED", "INVALID_INPUT"])
      expect(a2aTaskState({ status: "failed", error: { code, message: "no" } })).toBe(TaskState.TASK_STATE_REJECTED)
  })

  it("inverts the mapping for list filters, every status found under its own state", () => {
    const records = [
      { status: "pending" },
      { status: "running" },
      { status: "waiting", waitingFor: "input" },
      { status: "waiting", waitingFor: "children" },
      { status: "completed" },
      { status: "cancelled" },
      { status: "failed", error: { code: "TIMEOUT", message: "late" } },
      { status: "failed", error: { code: "APPROVAL_DENIED", message: "no" } }
    ] as const
    for (const record of records) expect(statusesOf(a2aTaskState(record))).toContain(record.status)
    expect(statusesOf(TaskState.TASK_STATE_UNSPECIFIED)).toBeUndefined()
    expect(statusesOf(TaskState.TASK_STATE_AUTH_REQUIRED)).toEqual([])
  })

  it("ends streams at final states and at input-required, not while working", () => {
    expect(isInterrupted(TaskState.TASK_STATE_WORKING)).toBe(false)
    expect(isInterrupted(TaskState.TASK_STATE_SUBMITTED)).toBe(false)
    expect(isInterrupted(TaskState.TASK_STATE_INPUT_REQUIRED)).toBe(true)
    expect(isInterrupted(TaskState.TASK_STATE_REJECTED)).toBe(true)
  })
})
