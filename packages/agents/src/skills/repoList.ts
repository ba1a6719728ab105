import { defineSkill, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { inputDecoder } from "../internal/decodeInput.js"
import { confinePath, RelativePath, refusedPathsOf, resolveRepository } from "../internal/paths.js"
import { walkRepository } from "../internal/walkRepository.js"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `repo.list` skill. */
export const repoListId = "repo.list"

/** How `repo.list` is set up: the repository, and the most files a call may list. */
export interface RepoListOptions extends RepositoryOptions {
  /** Most files one call lists, and the most its `maxFiles` may ask for. Default 20,000. */
  readonly maxFiles?: number
}

/** `{ path?, maxFiles? }`: the directory to list (default the root) and a lower cap. */
const RepoListInput = Schema.Struct({
  path: Schema.optionalKey(RelativePath),
  maxFiles: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))))
})

/**
 * `repo.list`: the files of the repository (or of one of its directories) as git sees the working tree:
 * `.git`, hidden and protected paths skipped, `.gitignore` files honoured at every level, symlinks not
 * followed. Returns `{ path, files: [{ path, bytes }], count, truncated, skipped: [{ path, reason }],
 * skippedCount }`, paths relative to the repository root.
 */
export const repoList = (options: RepoListOptions): SkillDefinition => {
  const maxFiles = options.maxFiles ?? 20_000
  const decode = inputDecoder(RepoListInput, `${repoListId} input`)
  return defineSkill({
    id: repoListId,
    name: "List repository files",
    description:
      "Lists the files of the repository or of a directory in it, honouring every .gitignore (nested ones too) and skipping .git; capped.",
    permissions: ["skill:execute"],
    run: (input, call) =>
      Effect.gen(function* () {
        const request = yield* decode(input ?? {}).pipe(
          Effect.mapError((detail) => new RepositoryError({ reason: "InvalidInput", detail }))
        )
        const repository = yield* resolveRepository(options, call.scope)
        const dir = yield* confinePath(repository, request.path ?? ".", {
          scope: call.scope,
          kind: "directory",
          refusedPaths: call.refusedPaths
        })
        const walked = yield* Effect.tryPromise({
          try: (signal) =>
            walkRepository(repository.root, dir.real, {
              maxFiles: Math.min(request.maxFiles ?? maxFiles, maxFiles),
              signal,
              hidden: repository.hidden,
              refused: refusedPathsOf(call.refusedPaths)
            }),
          catch: () => new RepositoryError({ reason: "Unreadable", path: dir.relative, detail: "cannot list" })
        })
        return {
          path: dir.relative,
          files: walked.files.map((file) => ({ path: file.path, bytes: file.bytes })),
          count: walked.files.length,
          truncated: walked.truncated,
          skipped: walked.skipped,
          skippedCount: walked.skippedCount
        }
      })
  })
}
