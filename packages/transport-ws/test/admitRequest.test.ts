import { jsonRpcErrorCodes } from "@coderclaw/protocol"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { admitRequest } from "../src/server/request/admitRequest.js"
import type { RequestContext, RequestRejected } from "../src/server/request/RequestContext.js"
import { RequestIdWindow } from "../src/server/request/RequestIdWindow.js"
import { TokenBucket } from "../src/server/TokenBucket.js"
import { defaultLimits } from "../src/server/WsServerOptions.js"

/** A context whose bucket holds `tokens` requests (time stands still, so none come back). */
const contextWith = (tokens: number): RequestContext => ({
  limits: { ...defaultLimits, maxMessageBytes: 256 },
  ids: new RequestIdWindow(),
  bucket: new TokenBucket(1, tokens, () => 0)
})

const frame = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value))

const rejection = (context: RequestContext, value: unknown): RequestRejected => {
  const admitted = admitRequest(context, frame(value))
  if (Result.isSuccess(admitted)) throw new Error(`admitted: ${JSON.stringify(admitted.success)}`)
  return admitted.failure
}

describe("the request pipeline: frame → id → rate → method gate → params", () => {
  it("admits a good request with its method's permission and decoded params", () => {
    const admitted = admitRequest(
      contextWith(1),
      frame({ jsonrpc: "2.0", id: 1, method: "task.get", params: { taskId: "t" } })
    )
    expect(admitted).toEqual(
      Result.succeed({ id: 1, method: "task.get", permission: "task:read", params: { taskId: "t" } })
    )
  })

  it("refuses the frame first: size, JSON, batch, shape, each with id null", () => {
    const context = contextWith(0)
    expect(rejection(context, "x".repeat(300))).toMatchObject({
      _tag: "Malformed",
      requestId: null,
      jsonRpcCode: jsonRpcErrorCodes.invalidRequest
    })
    expect(rejection(context, "{")).toMatchObject({
      _tag: "Malformed",
      requestId: null,
      jsonRpcCode: jsonRpcErrorCodes.parseError
    })
    expect(rejection(context, [])).toMatchObject({ _tag: "Malformed", requestId: null })
    expect(rejection(context, { jsonrpc: "2.0", id: {}, method: "x" })).toMatchObject({
      _tag: "Malformed",
      requestId: null
    })
    expect(rejection(context, { jsonrpc: "2.0", method: "task.list" })).toEqual({ _tag: "Notification" })
  })

  it("checks the id before the rate: a reused id is malformed even when no token is left", () => {
    const context = contextWith(0)
    context.ids.answered(7)
    expect(rejection(context, { jsonrpc: "2.0", id: 7, method: "connection.ping" })).toMatchObject({
      _tag: "Malformed",
      requestId: 7,
      jsonRpcCode: jsonRpcErrorCodes.invalidRequest
    })
    context.ids.start(8)
    expect(rejection(context, { jsonrpc: "2.0", id: 8, method: "connection.ping" })).toMatchObject({
      _tag: "Malformed",
      requestId: 8
    })
  })

  it("checks the rate before the method and params: over the rate, even an unknown method is RATE_LIMITED", () => {
    const context = contextWith(1)
    expect(rejection(context, { jsonrpc: "2.0", id: 1, method: "task.delete" })).toMatchObject({
      _tag: "Malformed",
      jsonRpcCode: jsonRpcErrorCodes.methodNotFound
    })
    const limited = rejection(context, { jsonrpc: "2.0", id: 2, method: "task.delete" })
    expect(limited).toMatchObject({ _tag: "RateLimited", requestId: 2, error: { _tag: "RateLimited" } })
  })

  it("gates the method before the params: connect is refused, then bad params are -32602", () => {
    const context = contextWith(10)
    expect(rejection(context, { jsonrpc: "2.0", id: 1, method: "connect", params: {} })).toMatchObject({
      _tag: "Malformed",
      jsonRpcCode: jsonRpcErrorCodes.invalidRequest
    })
    expect(rejection(context, { jsonrpc: "2.0", id: 2, method: "task.get", params: { taskId: 5 } })).toMatchObject({
      _tag: "Malformed",
      requestId: 2,
      jsonRpcCode: jsonRpcErrorCodes.invalidParams
    })
  })
})
