import { jsonRpcErrorCodes } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { recentIdWindow } from "../src/server/request/RequestIdWindow.js"
import { rawLoopback, recordAll } from "./support/rawLoopback.js"

const { connect } = rawLoopback()

describe("request ids", () => {
  it("a request whose id is unusable (object, null, empty, over 64 characters, fractional) is -32600 with id null", async () => {
    const raw = await connect()
    for (const id of [{ n: 1 }, null, "", "x".repeat(65), 1.5, [1]]) {
      raw.send({ jsonrpc: "2.0", id, method: "connection.ping" })
      const answer = await raw.next((frame) => frame.id === null)
      expect(answer.error?.code, JSON.stringify(id)).toBe(jsonRpcErrorCodes.invalidRequest)
      expect(answer.error?.data?.code).toBe("INVALID_REQUEST")
    }
    expect((await raw.call("still-open", "connection.ping")).result).toBeDefined()
  })

  it("a frame with a usable id that is otherwise invalid is answered with that id", async () => {
    const raw = await connect()
    raw.send({ jsonrpc: "1.0", id: "bad-version", method: "connection.ping" })
    expect((await raw.response("bad-version")).error?.code).toBe(jsonRpcErrorCodes.invalidRequest)
  })

  it("a request without an id is a notification: it gets no answer at all", async () => {
    const raw = await connect()
    const seen = recordAll(raw)
    raw.send({ jsonrpc: "2.0", method: "task.list" })
    // Frames on one connection are handled in order: once the next request is answered, the first had its turn.
    expect((await raw.call("after", "connection.ping")).result).toBeDefined()
    expect(seen.map((frame) => ("id" in frame ? frame.id : frame))).toEqual(["after"])
  })

  it("notifications count as malformed frames: past the bad-frame budget the connection closes with 4012", async () => {
    const raw = await connect({ limits: { badFrameBurst: 2, badFramesPerSecond: 0.001 } })
    for (let sent = 0; sent < 3; sent++) raw.send({ jsonrpc: "2.0", method: "task.list" })
    expect((await raw.closed).code).toBe(4012)
  })

  it("ids are per connection: another connection may use an id this one just used", async () => {
    const one = await connect()
    const other = await connect()
    expect((await one.call("shared", "connection.ping")).result).toBeDefined()
    expect((await other.call("shared", "connection.ping")).result).toBeDefined()
    expect((await one.call("shared", "connection.ping")).error?.code).toBe(jsonRpcErrorCodes.invalidRequest)
  })

  it(`an id is refused while it is among the last ${recentIdWindow} answered, and usable again after`, async () => {
    const raw = await connect()
    expect((await raw.call("first", "connection.ping")).result).toBeDefined()
    const reused = await raw.call("first", "connection.ping")
    expect(reused.error?.code).toBe(jsonRpcErrorCodes.invalidRequest)
    expect(reused.error?.data?.details).toMatchObject({ issues: [{ path: ["id"] }] })
    // The refusal is not an answer to the id, so `first` is still the oldest of the window.
    for (let id = 1; id < recentIdWindow; id++) raw.send({ jsonrpc: "2.0", id, method: "connection.ping" })
    await raw.response(recentIdWindow - 1)
    expect((await raw.call("first", "connection.ping")).error?.code).toBe(jsonRpcErrorCodes.invalidRequest)
    // One more answered id pushes `first` out of the window.
    expect((await raw.call(recentIdWindow, "connection.ping")).result).toBeDefined()
    expect((await raw.call("first", "connection.ping")).result).toBeDefined()
  })
})
