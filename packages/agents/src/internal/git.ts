import { execFile } from "node:child_process"
import { realpath } from "node:fs/promises"
import { dirname } from "node:path"
import type { SkillScope } from "@coderclaw/runtime"
import { Effect } from "effect"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"
import { type ResolvedRepository, resolveRepository } from "./paths.js"

/** What a git command printed and how it exited. */
export interface GitOutput {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

// Configuration a hostile repository must not be able to use to run programs while we only read from it
// (`core.fsmonitor` runs a command on `git status`), plus stable, uncoloured, unquoted output.
const safeConfig = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "log.showSignature=false",
  "-c",
  "color.ui=never",
  "-c",
  "core.quotePath=false"
]

const inherited = ["PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "TMPDIR"]

/**
 * The environment git runs in: only what it needs from ours (no `GIT_DIR` or the like leaking in), no
 * prompts, no optional locks (a status must not block a concurrent commit), and no search for a repository
 * above the root.
 */
const gitEnv = (root: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const name of inherited) if (process.env[name] !== undefined) env[name] = process.env[name]
  return {
    ...env,
    LANG: "C",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_CEILING_DIRECTORIES: dirname(root)
  }
}

/** Runs `git` (no shell) in `root`; a non-zero exit is an output, not a failure. */
export const runGit = (root: string, args: ReadonlyArray<string>): Effect.Effect<GitOutput, RepositoryError> =>
  Effect.callback<GitOutput, RepositoryError>((resume, signal) => {
    execFile(
      "git",
      [...safeConfig, ...args],
      {
        cwd: root,
        env: gitEnv(root),
        encoding: "utf8",
        maxBuffer: 32 * 1024 * 1024,
        timeout: 60_000,
        killSignal: "SIGKILL",
        signal,
        windowsHide: true
      },
      (error, stdout, stderr) => {
        if (error === null) return resume(Effect.succeed({ exitCode: 0, stdout, stderr }))
        const code = (error as { code?: unknown }).code
        if (typeof code === "number") return resume(Effect.succeed({ exitCode: code, stdout, stderr }))
        resume(
          Effect.fail(
            code === "ENOENT"
              ? new RepositoryError({ reason: "GitUnavailable", detail: "the git program was not found on PATH" })
              : new RepositoryError({ reason: "GitFailed", detail: `git did not run to the end (${String(code)})` })
          )
        )
      }
    )
  })

/** The first line git wrote to stderr, bounded: what went wrong, for a `GitFailed` detail. */
export const gitComplaint = (output: GitOutput): string =>
  (output.stderr.split("\n").find((line) => line.trim() !== "") ?? `git exited with code ${output.exitCode}`).slice(
    0,
    500
  )

/**
 * The repository a git skill acts on: resolved as for every repository skill, and required to be the root
 * of a git work tree (not merely inside one, which would let status and log report on files outside it).
 */
export const gitRepository = (
  options: RepositoryOptions,
  scope: SkillScope | undefined
): Effect.Effect<ResolvedRepository, RepositoryError> =>
  Effect.gen(function* () {
    const repository = yield* resolveRepository(options, scope)
    const output = yield* runGit(repository.root, ["rev-parse", "--show-toplevel"])
    const topLevel =
      output.exitCode === 0
        ? yield* Effect.promise(() => realpath(output.stdout.trim()).catch(() => undefined))
        : undefined
    if (topLevel !== repository.root) {
      return yield* new RepositoryError({
        reason: "NotAGitRepository",
        detail: `repository ${JSON.stringify(repository.name)} is not the root of a git work tree`
      })
    }
    return repository
  })
