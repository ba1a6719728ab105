import { Result } from "effect"
import { PathRejected, type PathRejectedReason } from "./PathRejected.js"

/** The longest branch name accepted (after removing `refs/heads/`). */
export const maxBranchLength = 255

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const controlCharacter = /[\u0000-\u001f\u007f]/
const gitForbidden = /[ ~^:?*[]|@\{/

const reject = (input: string, reason: PathRejectedReason) =>
  Result.fail(new PathRejected({ kind: "branch", input, reason }))

/**
 * Normalises a branch name, or refuses it. `refs/heads/main` and `main` are the same branch; any other
 * full ref (`refs/tags/…`, `refs/remotes/…`) is not a branch. The rest follows `git check-ref-format
 * --branch`: no `..`, no control characters, space, `~`, `^`, `:`, `?`, `*`, `[` or `\`, no `@{`, not `@`
 * alone, no component starting with `.` or ending in `.lock`, no trailing `.`, no leading, trailing or
 * doubled `/`, no leading `-`. `%` is refused too, as in paths: nothing is percent-decoded.
 *
 * Case is kept here; protected-branch comparisons are case-insensitive (`Main` meets `main`), because
 * git stores loose refs as files and `refs/heads/MAIN` is `refs/heads/main` on a case-insensitive disk.
 */
export const normalizeBranch = (input: string): Result.Result<string, PathRejected> =>
  checkBranch(input, input, gitForbidden)

/** As `normalizeBranch`, but `*` is allowed (a protected-branch pattern in the configuration). */
export const normalizeBranchPattern = (input: string): Result.Result<string, PathRejected> =>
  checkBranch(input, input, /[ ~^:?[]|@\{/)

const checkBranch = (input: string, original: string, forbidden: RegExp): Result.Result<string, PathRejected> => {
  if (typeof input !== "string") return reject(String(original), "Empty")
  let name = input
  if (name.startsWith("refs/")) {
    if (!name.startsWith("refs/heads/")) return reject(original, "NotABranch")
    name = name.slice("refs/heads/".length)
  }
  if (name.length === 0) return reject(original, "Empty")
  if (name.length > maxBranchLength) return reject(original, "TooLong")
  if (controlCharacter.test(name)) return reject(original, "ControlCharacter")
  if (name.includes("%")) return reject(original, "PercentEncoding")
  if (name.includes("\\")) return reject(original, "Backslash")
  if (name.includes("..")) return reject(original, "ParentSegment")
  if (forbidden.test(name) || name === "@") return reject(original, "InvalidCharacter")
  if (name.startsWith("-") || name.endsWith(".")) return reject(original, "InvalidRef")
  for (const component of name.split("/")) {
    if (component === "" || component.startsWith(".") || component.endsWith(".lock")) {
      return reject(original, "InvalidRef")
    }
  }
  return Result.succeed(name)
}
