import { Result } from "effect"
import { PathRejected, type PathRejectedReason } from "./PathRejected.js"

/** The longest path accepted, in UTF-16 code units. */
export const maxPathLength = 4096

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const controlCharacter = /[\u0000-\u001f\u007f]/
const absolute = /^(?:\/|[A-Za-z]:|\\\\)/
const onlyDots = /^\.{2,}$/

const reject = (input: string, reason: PathRejectedReason) =>
  Result.fail(new PathRejected({ kind: "path", input, reason }))

/**
 * Normalises a repository-relative path, or refuses it. Normalising only drops what cannot change the
 * meaning: `.` segments (so a leading `./` goes) and empty segments (`a//b` → `a/b`, a trailing `/`).
 * Everything that could make one spelling reach another place is refused rather than repaired: `..`
 * segments, absolute paths (`/x`, `C:\x`, `C:/x`, `\\server`), backslashes, any `%` (nothing is
 * percent-decoded, so there is no second decoding to bypass), NUL and control characters, segments
 * ending in a dot or a space (Windows strips them), and the repository root itself.
 *
 * Case is kept here; comparisons against protected paths are case-insensitive (`.GitHub/Workflows`
 * meets `.github/workflows`), because the same repository may be checked out on a case-insensitive
 * file system.
 */
export const normalizePath = (input: string): Result.Result<string, PathRejected> => {
  if (typeof input !== "string" || input.length === 0) return reject(String(input), "Empty")
  if (input.length > maxPathLength) return reject(input, "TooLong")
  if (controlCharacter.test(input)) return reject(input, "ControlCharacter")
  if (input.includes("%")) return reject(input, "PercentEncoding")
  if (absolute.test(input)) return reject(input, "Absolute")
  if (input.includes("\\")) return reject(input, "Backslash")
  const segments: Array<string> = []
  for (const segment of input.split("/")) {
    if (segment === "" || segment === ".") continue
    if (onlyDots.test(segment)) return reject(input, "ParentSegment")
    if (segment.endsWith(".") || segment.endsWith(" ")) return reject(input, "TrailingDotOrSpace")
    segments.push(segment)
  }
  if (segments.length === 0) return reject(input, "Empty")
  return Result.succeed(segments.join("/"))
}
