import type { TaskEventEnvelope, TaskId, TaskRecord } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { projectTaskRecord } from "../src/index.js"

const id = "01890a5d-ac96-774b-bcce-b302099a8057" as TaskId

/** A record with every field set: adding a field to `TaskRecord` makes this fail to compile until it is listed. */
const everyField: Required<TaskRecord> = {
  id,
  parentId: "01890a5d-ac96-774b-bcce-b302099a8056" as TaskId,
  rootId: "01890a5d-ac96-774b-bcce-b302099a8055" as TaskId,
  sessionId: "session",
  owner: "local:alice",
  ownerPrincipal: {
    id: "local:alice",
    provider: "local",
    sessionId: "session",
    roles: ["developer"],
    trust: "trusted"
  },
  agentId: "echo",
  description: "every field",
  input: { any: "input" },
  status: "waiting",
  waitingFor: "input",
  progress: { percent: 40, message: "almost" },
  result: null,
  error: { code: "E", message: "an earlier attempt" },
  attempt: 2,
  maxAttempts: 3,
  priority: 1,
  createdAt: 1_000,
  startedAt: 1_001,
  updatedAt: 1_002,
  completedAt: 1_003,
  deadline: 9_000,
  waitingTimeoutMs: 500,
  waitingDeadline: 1_502,
  metadata: { team: "core" },
  lastSeq: 7,
  lastPosition: 70
}

const next = (event: TaskEventEnvelope["event"]): TaskEventEnvelope => ({
  taskId: id,
  seq: everyField.lastSeq + 1,
  position: 80,
  at: 2_000,
  causedBy: "local:alice",
  event
})

describe("projectTaskRecord", () => {
  it("carries every field of the record through an event that changes none of them", () => {
    const projected = projectTaskRecord(everyField, next({ type: "log", level: "info", message: "still here" }))
    expect(projected).toEqual({ ...everyField, lastSeq: 8, lastPosition: 80, updatedAt: 2_000 })
    expect(Object.keys(projected).sort()).toEqual(Object.keys(everyField).sort())
  })

  it("drops the waiting reason and deadline when the task leaves waiting, and keeps the rest", () => {
    const projected = projectTaskRecord(everyField, next({ type: "status_changed", from: "waiting", to: "running" }))
    const { waitingFor: _reason, waitingDeadline: _deadline, ...rest } = everyField
    expect(projected).toEqual({ ...rest, status: "running", lastSeq: 8, lastPosition: 80, updatedAt: 2_000 })
  })

  it("never changes the record it was given", () => {
    const before = structuredClone(everyField)
    projectTaskRecord(everyField, next({ type: "status_changed", from: "waiting", to: "cancelled" }))
    expect(everyField).toEqual(before)
  })
})
