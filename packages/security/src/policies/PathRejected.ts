import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a path or branch name was refused before any policy saw it. Each is a form that could make one
 * name mean two places (so a protected path or branch could be reached under another spelling):
 *
 * - `empty`: nothing left (or the repository root itself, which covers every protected path).
 * - `too_long`: longer than 4096 characters (paths) or 255 (branches).
 * - `control_character`: NUL or another control character (C0 or DEL).
 * - `percent_encoding`: any `%`; nothing is decoded, so `%2e%2e` never becomes `..`.
 * - `absolute`: `/x`, `C:\x`, `C:/x`, `\\server\share`: paths must be relative to the repository.
 * - `backslash`: a `\`, which Windows treats as a separator.
 * - `parent_segment`: a `..` segment (or any segment made only of dots).
 * - `trailing_dot_or_space`: a segment ending in `.` or a space, which Windows strips (`.github.` is
 *   `.github` there).
 * - `invalid_character` / `invalid_ref`: a branch name git itself would refuse (`~^:?*[`, space, `@{`,
 *   a component starting with `.` or `-`, ending in `.lock` or `.`, leading, trailing or doubled `/`).
 * - `not_a_branch`: a full ref outside `refs/heads/` (a tag or a remote).
 * - `invalid_pattern`: a protected-path or branch pattern in the configuration that is not valid.
 */
export const PathRejectedReason = Schema.Literals([
  "Empty",
  "TooLong",
  "ControlCharacter",
  "PercentEncoding",
  "Absolute",
  "Backslash",
  "ParentSegment",
  "TrailingDotOrSpace",
  "InvalidCharacter",
  "InvalidRef",
  "NotABranch",
  "InvalidPattern"
])
export type PathRejectedReason = typeof PathRejectedReason.Type

const shown = (input: string): string => JSON.stringify(input.length > 200 ? `${input.slice(0, 200)}…` : input)

/** A path or branch name in a request (or a pattern in the policy file) that is refused outright. */
export class PathRejected extends Schema.TaggedError<PathRejected>()("PathRejected", {
  kind: Schema.Literals(["path", "branch"]),
  input: Schema.String,
  reason: PathRejectedReason
}) {
  override get message(): string {
    return `Rejected ${this.kind} ${shown(this.input)}: ${reasonWords(this.reason)}`
  }
}
