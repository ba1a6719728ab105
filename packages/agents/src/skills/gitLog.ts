import { defineSkill, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { inputDecoder } from "../internal/decodeInput.js"
import { gitComplaint, gitRepository, runGit } from "../internal/git.js"
import { checkScope, normalizeRelative, RelativePath } from "../internal/paths.js"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `git.log` skill. */
export const gitLogId = "git.log"

/**
 * `{ limit?, ref?, path? }`: the newest `limit` commits (default 20, at most 1,000) reachable from `ref`
 * (default HEAD; a branch, tag, hash or range, never an option), touching `path` if given.
 */
const GitLogInput = Schema.Struct({
  limit: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 1_000 })))),
  ref: Schema.optionalKey(
    Schema.String.pipe(
      Schema.check(
        Schema.isPattern(/^[A-Za-z0-9_][A-Za-z0-9._/@{}~^-]*$/, {
          expected: "a branch, tag, commit or range (letters, digits and . _ / @ { } ~ ^ -, not starting with -)"
        }),
        Schema.isMaxLength(256)
      )
    )
  ),
  path: Schema.optionalKey(RelativePath)
})

/** One commit of `git.log`. */
export type Commit = {
  readonly hash: string
  readonly shortHash: string
  readonly author: { readonly name: string; readonly email: string }
  /** The author date, ISO 8601 with the author's offset. */
  readonly date: string
  readonly subject: string
}

const fieldSeparator = "\x1f"
const recordSeparator = "\x1e"

const parseLog = (stdout: string): Array<Commit> =>
  stdout
    .split(recordSeparator)
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record !== "")
    .map((record) => {
      const [hash = "", shortHash = "", name = "", email = "", date = "", subject = ""] = record.split(fieldSeparator)
      return { hash, shortHash, author: { name, email }, date, subject }
    })

/**
 * `git.log`: the newest commits from the real `git` (no shell): `{ commits: [{ hash, shortHash, author:
 * { name, email }, date, subject }] }`, newest first; an empty list for a repository without commits.
 */
export const gitLog = (options: RepositoryOptions): SkillDefinition => {
  const decode = inputDecoder(GitLogInput, `${gitLogId} input`)
  return defineSkill({
    id: gitLogId,
    name: "Git log",
    description:
      "The repository's newest commits (hash, author, date, subject) from a ref, optionally only those touching a path; limited.",
    permissions: ["skill:execute"],
    run: (input, call) =>
      Effect.gen(function* () {
        const request = yield* decode(input ?? {}).pipe(
          Effect.mapError((detail) => new RepositoryError({ reason: "InvalidInput", detail }))
        )
        let path: string | undefined
        if (request.path !== undefined) {
          const normalized = normalizeRelative(request.path)
          if ("refused" in normalized) {
            return yield* new RepositoryError({
              reason: "OutsideRepository",
              path: request.path,
              detail: normalized.refused
            })
          }
          path = normalized.ok
          yield* checkScope(path, call.scope)
        }
        const repository = yield* gitRepository(options, call.scope)
        if (request.ref === undefined) {
          const head = yield* runGit(repository.root, ["rev-parse", "--verify", "--quiet", "HEAD"])
          if (head.exitCode !== 0) return { commits: [] }
        }
        const output = yield* runGit(repository.root, [
          "log",
          `--max-count=${request.limit ?? 20}`,
          `--format=%H${fieldSeparator}%h${fieldSeparator}%an${fieldSeparator}%ae${fieldSeparator}%aI${fieldSeparator}%s${recordSeparator}`,
          "--end-of-options",
          request.ref ?? "HEAD",
          ...(path === undefined ? [] : ["--", path])
        ])
        if (output.exitCode !== 0) {
          return yield* new RepositoryError({ reason: "GitFailed", detail: gitComplaint(output) })
        }
        return { commits: parseLog(output.stdout) }
      })
  })
}
