import { defineSkill, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { inputDecoder } from "../internal/decodeInput.js"
import { gitComplaint, gitRepository, runGit } from "../internal/git.js"
import { parseGitStatus } from "../internal/parseGitStatus.js"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `git.status` skill. */
export const gitStatusId = "git.status"

/** `{ maxEntries? }`: at most this many entries are returned (default 1,000). */
const GitStatusInput = Schema.Struct({
  maxEntries: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 10_000 }))))
})

/**
 * `git.status`: the working tree's state from the real `git` (run without a shell, with repository
 * configuration that could run programs switched off), parsed from the porcelain format:
 * `{ branch: { head, upstream, ahead, behind, initial }, entries: [{ path, originalPath?, code, index,
 * worktree, staged, conflicted }], clean, counts: { staged, unstaged, untracked, conflicted }, truncated }`.
 * Fails with `NotAGitRepository` when the root is not the root of a git work tree.
 */
export const gitStatus = (options: RepositoryOptions): SkillDefinition => {
  const decode = inputDecoder(GitStatusInput, `${gitStatusId} input`)
  return defineSkill({
    id: gitStatusId,
    name: "Git status",
    description:
      "The repository's git status: branch, upstream, ahead/behind, and every changed, staged, untracked or conflicted file, parsed from git's porcelain output.",
    permissions: ["skill:execute"],
    run: (input, call) =>
      Effect.gen(function* () {
        const request = yield* decode(input ?? {}).pipe(
          Effect.mapError((detail) => new RepositoryError({ reason: "InvalidInput", detail }))
        )
        const repository = yield* gitRepository(options, call.scope)
        const output = yield* runGit(repository.root, [
          "status",
          "--porcelain=v1",
          "-z",
          "--branch",
          "--untracked-files=all"
        ])
        if (output.exitCode !== 0) {
          return yield* new RepositoryError({ reason: "GitFailed", detail: gitComplaint(output) })
        }
        const { branch, entries } = parseGitStatus(output.stdout)
        const maxEntries = request.maxEntries ?? 1_000
        return {
          branch,
          entries: entries.slice(0, maxEntries),
          clean: entries.length === 0,
          counts: {
            staged: entries.filter((entry) => entry.staged).length,
            unstaged: entries.filter((entry) => entry.worktree !== "unmodified" && entry.worktree !== "untracked")
              .length,
            untracked: entries.filter((entry) => entry.code === "??").length,
            conflicted: entries.filter((entry) => entry.conflicted).length
          },
          truncated: entries.length > maxEntries
        }
      })
  })
}
