import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  compilePathPattern,
  normalizeBranch,
  normalizeBranchPattern,
  normalizePath,
  PathRejected,
  type PathRejectedReason
} from "../src/policies/index.js"

const rejection = (result: Result.Result<unknown, PathRejected>): PathRejected => {
  if (Result.isSuccess(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.success)}`)
  expect(result.failure).toBeInstanceOf(PathRejected)
  return result.failure
}

describe("normalizePath", () => {
  it.each([
    ["src/index.ts", "src/index.ts"],
    ["./.github/workflows/x.yml", ".github/workflows/x.yml"],
    [".github//workflows/x.yml", ".github/workflows/x.yml"],
    ["a/./b/", "a/b"],
    [".//a///b/.", "a/b"],
    [".GitHub/Workflows/x", ".GitHub/Workflows/x"],
    ["dir with space/file name.txt", "dir with space/file name.txt"],
    ["a/.hidden/..file", "a/.hidden/..file"]
  ])("normalises %j to %j", (input, expected) => {
    expect(Result.getOrThrow(normalizePath(input))).toBe(expected)
  })

  it.each<[string, PathRejectedReason]>([
    ["src/../.github/workflows/x", "ParentSegment"],
    ["..", "ParentSegment"],
    ["a/../../etc/passwd", "ParentSegment"],
    ["a/.../b", "ParentSegment"],
    ["/etc/passwd", "Absolute"],
    ["//server/share", "Absolute"],
    ["C:\\Windows\\x", "Absolute"],
    ["c:/Windows/x", "Absolute"],
    ["C:x", "Absolute"],
    ["\\\\server\\share\\x", "Absolute"],
    ["src\\..\\x", "Backslash"],
    ["a\\b", "Backslash"],
    ["%2e%2e/x", "PercentEncoding"],
    ["a%2fb", "PercentEncoding"],
    ["100%", "PercentEncoding"],
    ["a\u0000b", "ControlCharacter"],
    ["a\nb", "ControlCharacter"],
    ["a\u007fb", "ControlCharacter"],
    [".github./workflows/x", "TrailingDotOrSpace"],
    ["secrets /key", "TrailingDotOrSpace"],
    ["", "Empty"],
    [".", "Empty"],
    ["./", "Empty"],
    ["//", "Absolute"],
    ["a".repeat(4097), "TooLong"]
  ])("rejects %j as %s", (input, reason) => {
    const error = rejection(normalizePath(input))
    expect(error.reason).toBe(reason)
    expect(error.kind).toBe("path")
  })

  it("names the input and reason in the message without echoing control characters raw", () => {
    const error = rejection(normalizePath("a\u0000b"))
    expect(error.message).toContain("control character")
    expect(error.message).toContain("\\u0000")
  })
})

describe("normalizeBranch", () => {
  it.each([
    ["main", "main"],
    ["refs/heads/main", "main"],
    ["feature/x-1", "feature/x-1"],
    ["refs/heads/release/1.0", "release/1.0"],
    ["Main", "Main"]
  ])("normalises %j to %j", (input, expected) => {
    expect(Result.getOrThrow(normalizeBranch(input))).toBe(expected)
  })

  it.each<[string, PathRejectedReason]>([
    ["", "Empty"],
    ["refs/heads/", "Empty"],
    ["refs/tags/v1", "NotABranch"],
    ["refs/remotes/origin/main", "NotABranch"],
    ["a..b", "ParentSegment"],
    ["main~1", "InvalidCharacter"],
    ["main^", "InvalidCharacter"],
    ["a:b", "InvalidCharacter"],
    ["a?b", "InvalidCharacter"],
    ["a*b", "InvalidCharacter"],
    ["a[b", "InvalidCharacter"],
    ["a b", "InvalidCharacter"],
    ["a@{1}", "InvalidCharacter"],
    ["@", "InvalidCharacter"],
    ["a\\b", "Backslash"],
    ["a%2fb", "PercentEncoding"],
    ["a\u0001b", "ControlCharacter"],
    ["main.lock", "InvalidRef"],
    ["feature/x.lock/y", "InvalidRef"],
    [".hidden", "InvalidRef"],
    ["a/.b", "InvalidRef"],
    ["main.", "InvalidRef"],
    ["/main", "InvalidRef"],
    ["main/", "InvalidRef"],
    ["a//b", "InvalidRef"],
    ["-main", "InvalidRef"],
    ["x".repeat(256), "TooLong"]
  ])("rejects %j as %s", (input, reason) => {
    const error = rejection(normalizeBranch(input))
    expect(error.reason).toBe(reason)
    expect(error.kind).toBe("branch")
  })

  it("allows * only in patterns", () => {
    expect(Result.getOrThrow(normalizeBranchPattern("refs/heads/release/*"))).toBe("release/*")
    expect(rejection(normalizeBranchPattern("release/..")).reason).toBe("ParentSegment")
  })
})

describe("protected-path patterns", () => {
  const covers = (pattern: string, path: string) => Result.getOrThrow(compilePathPattern(pattern)).covers(path)

  it("a plain pattern is a whole-segment prefix", () => {
    expect(covers(".github/workflows", ".github/workflows")).toBe(true)
    expect(covers(".github/workflows", ".github/workflows/ci.yml")).toBe(true)
    expect(covers(".github/workflows", ".github/workflows-old/ci.yml")).toBe(false)
    expect(covers(".github/workflows", ".github")).toBe(false)
    expect(covers(".github/workflows", "src/.github/workflows")).toBe(false)
  })

  it("is normalised and lower-cased", () => {
    const pattern = Result.getOrThrow(compilePathPattern("./.GitHub//Workflows/"))
    expect(pattern.source).toBe(".github/workflows")
  })

  it("* matches within one segment", () => {
    expect(covers("secrets/*.pem", "secrets/a.pem")).toBe(true)
    expect(covers("secrets/*.pem", "secrets/sub/a.pem")).toBe(false)
    expect(covers("packages/*/migrations", "packages/app/migrations/001.sql")).toBe(true)
    expect(covers("packages/*/migrations", "packages/a/b/migrations")).toBe(false)
  })

  it("a ** segment matches any number of segments", () => {
    expect(covers("**/*.pem", "key.pem")).toBe(true)
    expect(covers("**/*.pem", "a/b/key.pem")).toBe(true)
    expect(covers("**/*.pem", "a/b/key.pem.txt")).toBe(false)
    expect(covers("packages/**/migrations", "packages/migrations")).toBe(true)
    expect(covers("packages/**/migrations", "packages/a/b/migrations/x")).toBe(true)
    expect(covers("packages/**/migrations", "other/migrations")).toBe(false)
    expect(covers("infra/**", "infra/x/y")).toBe(true)
    expect(covers("**", "anything/at/all")).toBe(true)
  })

  it("treats regular-expression characters literally", () => {
    expect(covers("a+b/(x)", "a+b/(x)/y")).toBe(true)
    expect(covers("a.b", "axb")).toBe(false)
  })

  it("refuses hostile patterns", () => {
    expect(rejection(compilePathPattern("../x")).reason).toBe("ParentSegment")
    expect(rejection(compilePathPattern("/etc")).reason).toBe("Absolute")
  })
})
