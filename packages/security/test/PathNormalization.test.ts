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
    ["src/../.github/workflows/x", "parent_segment"],
    ["..", "parent_segment"],
    ["a/../../etc/passwd", "parent_segment"],
    ["a/.../b", "parent_segment"],
    ["/etc/passwd", "absolute"],
    ["//server/share", "absolute"],
    ["C:\\Windows\\x", "absolute"],
    ["c:/Windows/x", "absolute"],
    ["C:x", "absolute"],
    ["\\\\server\\share\\x", "absolute"],
    ["src\\..\\x", "backslash"],
    ["a\\b", "backslash"],
    ["%2e%2e/x", "percent_encoding"],
    ["a%2fb", "percent_encoding"],
    ["100%", "percent_encoding"],
    ["a\u0000b", "control_character"],
    ["a\nb", "control_character"],
    ["a\u007fb", "control_character"],
    [".github./workflows/x", "trailing_dot_or_space"],
    ["secrets /key", "trailing_dot_or_space"],
    ["", "empty"],
    [".", "empty"],
    ["./", "empty"],
    ["//", "absolute"],
    ["a".repeat(4097), "too_long"]
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
    ["", "empty"],
    ["refs/heads/", "empty"],
    ["refs/tags/v1", "not_a_branch"],
    ["refs/remotes/origin/main", "not_a_branch"],
    ["a..b", "parent_segment"],
    ["main~1", "invalid_character"],
    ["main^", "invalid_character"],
    ["a:b", "invalid_character"],
    ["a?b", "invalid_character"],
    ["a*b", "invalid_character"],
    ["a[b", "invalid_character"],
    ["a b", "invalid_character"],
    ["a@{1}", "invalid_character"],
    ["@", "invalid_character"],
    ["a\\b", "backslash"],
    ["a%2fb", "percent_encoding"],
    ["a\u0001b", "control_character"],
    ["main.lock", "invalid_ref"],
    ["feature/x.lock/y", "invalid_ref"],
    [".hidden", "invalid_ref"],
    ["a/.b", "invalid_ref"],
    ["main.", "invalid_ref"],
    ["/main", "invalid_ref"],
    ["main/", "invalid_ref"],
    ["a//b", "invalid_ref"],
    ["-main", "invalid_ref"],
    ["x".repeat(256), "too_long"]
  ])("rejects %j as %s", (input, reason) => {
    const error = rejection(normalizeBranch(input))
    expect(error.reason).toBe(reason)
    expect(error.kind).toBe("branch")
  })

  it("allows * only in patterns", () => {
    expect(Result.getOrThrow(normalizeBranchPattern("refs/heads/release/*"))).toBe("release/*")
    expect(rejection(normalizeBranchPattern("release/..")).reason).toBe("parent_segment")
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
    expect(rejection(compilePathPattern("../x")).reason).toBe("parent_segment")
    expect(rejection(compilePathPattern("/etc")).reason).toBe("absolute")
  })
})
