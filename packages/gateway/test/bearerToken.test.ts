import type { IncomingMessage } from "node:http"
import { describe, expect, it } from "vitest"
import { bearerToken } from "../src/auth/bearerToken.js"

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage

describe("bearerToken", () => {
  it("reads the token of a Bearer authorization header, case-insensitively", () => {
    expect(bearerToken(request("Bearer abc.def.ghi"))).toBe("abc.def.ghi")
    expect(bearerToken(request("bearer   abc "))).toBe("abc")
  })

  it("has none for another scheme, an empty or oversized token, or no header", () => {
    expect(bearerToken(request())).toBeUndefined()
    expect(bearerToken(request("Basic dXNlcjpwYXNz"))).toBeUndefined()
    expect(bearerToken(request("Bearer "))).toBeUndefined()
    expect(bearerToken(request("Bearer a b"))).toBeUndefined()
    expect(bearerToken(request(`Bearer ${"x".repeat(8_193)}`))).toBeUndefined()
  })
})
