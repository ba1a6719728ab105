import { Result } from "effect"
import { normalizePath } from "./normalizePath.js"
import type { PathRejected } from "./PathRejected.js"

/**
 * A protected-path pattern, compiled. `source` is the normalised, lower-cased pattern (the name policies
 * and decisions use for it).
 */
export interface PathPattern {
  readonly source: string
  /** Whether a normalised, lower-cased path is the pattern's match or lies below one. */
  readonly covers: (path: string) => boolean
}

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&")

const segmentRegExp = (segment: string): string => escapeRegExp(segment).replaceAll("*", "[^/]*")

/**
 * Compiles a protected-path pattern. The pattern is normalised like a request path (so `./.github//x/`
 * is `.github/x`, and `..`, absolute paths, backslashes and `%` are refused) and compared
 * case-insensitively. Its meaning:
 *
 * - Without wildcards it is a prefix on whole segments: `.github/workflows` protects
 *   `.github/workflows` and everything below it, but not `.github/workflows-old`.
 * - `*` inside a segment matches any characters except `/`: `secrets/*.pem` protects `secrets/a.pem`.
 * - A segment that is exactly `**` matches any number of whole segments, zero included: the pattern with
 *   segments `**` and `.env` protects `.env` at any depth; `packages`, `**`, `migrations` protects both
 *   `packages/migrations` and `packages/a/b/migrations`.
 * - Whatever the pattern, a path is protected when it or any of its parent directories matches, so the
 *   pattern `packages/*` + `/migrations` also protects `packages/app/migrations/001.sql`.
 */
export const compilePathPattern = (input: string): Result.Result<PathPattern, PathRejected> =>
  Result.map(normalizePath(input), (normalised) => {
    const source = normalised.toLowerCase()
    const segments = source.split("/").filter((segment, index, all) => !(segment === "**" && all[index - 1] === "**"))
    if (segments.length === 1 && segments[0] === "**") return { source, covers: () => true }
    let pattern = ""
    let glueNext = false
    segments.forEach((segment, index) => {
      if (segment === "**") {
        if (index === 0) {
          pattern += "(?:[^/]+/)*"
          glueNext = true
        } else {
          pattern += "(?:/[^/]+)*"
        }
        return
      }
      pattern += (index === 0 || glueNext ? "" : "/") + segmentRegExp(segment)
      glueNext = false
    })
    const regExp = new RegExp(`^${pattern}(?:/.*)?$`)
    return { source, covers: (path: string) => regExp.test(path) }
  })
