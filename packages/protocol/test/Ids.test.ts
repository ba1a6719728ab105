import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { makeTaskId, negotiateProtocolVersion, PROTOCOL_VERSION, TaskId } from "../src/index.js"

describe("task ids", () => {
  it("are UUIDv7 and sort in creation order", () => {
    const ids = Array.from({ length: 2_000 }, makeTaskId)
    for (const id of ids) expect(Schema.is(TaskId)(id)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it("carry their creation time in the first 48 bits", () => {
    const before = Date.now()
    const id = makeTaskId()
    const millis = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)
    expect(millis).toBeGreaterThanOrEqual(before)
    expect(millis).toBeLessThanOrEqual(Date.now())
  })
})

describe("protocol version negotiation", () => {
  it("picks the highest shared version or none", () => {
    expect(negotiateProtocolVersion({ min: 1, max: 99 })).toBe(PROTOCOL_VERSION)
    expect(negotiateProtocolVersion({ min: PROTOCOL_VERSION + 1, max: PROTOCOL_VERSION + 5 })).toBeUndefined()
    expect(negotiateProtocolVersion({ min: 0, max: 0 })).toBeUndefined()
  })
})
