import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { InvalidRequest, Limits, makeDecoder, makeTaskId, SubmitRequest } from "../src/index.js"

const decodeSubmit = makeDecoder(SubmitRequest, "submit request")

const failureOf = (input: unknown): InvalidRequest => {
  const result = decodeSubmit(input)
  if (Result.isSuccess(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.success)}`)
  return result.failure
}

describe("SubmitRequest", () => {
  it("refuses a metadata key that is not well-formed Unicode, and takes one with a surrogate pair", () => {
    const refused = failureOf({ agentId: "echo", description: "d", metadata: { "bad\ud800": 1 } })
    // A key its schema refuses is an excess property of the record: refused, naming the key.
    expect(refused.message).toContain("metadata.bad")
    const paired = { agentId: "echo", description: "d", metadata: { "tag-\u{1F600}": true } }
    expect(Result.isSuccess(decodeSubmit(paired))).toBe(true)
  })

  it("accepts a minimal request and a full one", () => {
    expect(Result.isSuccess(decodeSubmit({ agentId: "echo", description: "say hi" }))).toBe(true)
    const full = {
      agentId: "repo-scan",
      description: "scan the repo",
      input: { path: ".", depth: 2, include: ["src"], dryRun: false, note: null },
      parentId: makeTaskId(),
      sessionId: "session-1",
      priority: 10,
      maxAttempts: 3,
      timeoutMs: 60_000,
      metadata: { repo: "acme/web", pr: 17, urgent: true, owner: null }
    }
    const result = decodeSubmit(full)
    expect(Result.isSuccess(result) && result.success).toEqual(full)
  })

  it("names a missing description", () => {
    const error = failureOf({ agentId: "echo" })
    expect(error).toBeInstanceOf(InvalidRequest)
    expect(error._tag).toBe("InvalidRequest")
    expect(error.issues).toEqual([{ path: ["description"], message: "Missing key" }])
    expect(error.message).toBe("Invalid submit request: description: Missing key")
  })

  it("names every field of the wrong type at once", () => {
    const error = failureOf({ agentId: 7, description: ["x"], priority: 1.5, maxAttempts: "3" })
    expect(error.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["agentId", "description", "priority", "maxAttempts"])
    )
    expect(error.issues).toHaveLength(4)
    expect(error.message).toMatch(/agentId: Expected string/)
    expect(error.message).toMatch(/priority: Expected an integer/)
  })

  it("refuses oversized strings with the limit in the message", () => {
    const error = failureOf({ agentId: "echo", description: "x".repeat(Limits.descriptionMaxLength + 1) })
    expect(error.issues).toEqual([
      { path: ["description"], message: `Expected a value with a length of at most ${Limits.descriptionMaxLength}` }
    ])
    expect(
      Result.isSuccess(decodeSubmit({ agentId: "echo", description: "x".repeat(Limits.descriptionMaxLength) }))
    ).toBe(true)
  })

  it("refuses an empty description and a malformed agent id", () => {
    expect(failureOf({ agentId: "echo", description: "" }).issues[0]?.path).toEqual(["description"])
    const error = failureOf({ agentId: "../etc/passwd", description: "x" })
    expect(error.issues[0]?.path).toEqual(["agentId"])
    expect(error.message).toMatch(/an agent id/)
  })

  it("refuses unknown keys instead of silently dropping them", () => {
    const error = failureOf({ agentId: "echo", description: "x", descripton: "typo" })
    expect(error.issues).toEqual([{ path: ["descripton"], message: "Expected no excess property" }])
  })

  it("refuses a parent id that is not a UUIDv7", () => {
    const error = failureOf({ agentId: "echo", description: "x", parentId: "6f1c7e0a-3b1d-4c2e-9f4a-1b2c3d4e5f60" })
    expect(error.issues).toEqual([{ path: ["parentId"], message: "Expected a UUID v7" }])
  })

  it("refuses input that is not JSON and metadata that is not flat", () => {
    expect(failureOf({ agentId: "echo", description: "x", input: { n: Number.NaN } }).issues[0]?.path).toEqual([
      "input"
    ])
    expect(failureOf({ agentId: "echo", description: "x", metadata: { nested: { a: 1 } } }).issues[0]?.path).toEqual([
      "metadata",
      "nested"
    ])
    const tooMany = Object.fromEntries(Array.from({ length: Limits.metadataMaxEntries + 1 }, (_, i) => [`k${i}`, i]))
    expect(failureOf({ agentId: "echo", description: "x", metadata: tooMany }).issues[0]?.path).toEqual(["metadata"])
  })

  it("refuses a request that is not an object", () => {
    for (const input of [null, "submit", 42, [{ agentId: "echo", description: "x" }]]) {
      expect(failureOf(input).message).toMatch(/^Invalid submit request: \(root\): Expected/)
    }
  })
})
