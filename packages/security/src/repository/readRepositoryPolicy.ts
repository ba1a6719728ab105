import { readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { Effect, Result } from "effect"
import type { PolicyConfig } from "../policies/PolicyConfig.js"
import { parseRepositoryPolicy } from "./parseRepositoryPolicy.js"
import { RepositoryPolicyError } from "./RepositoryPolicyError.js"
import { type RepositoryPolicyFile, repositoryPolicyPath } from "./RepositoryPolicyFile.js"

/** A repository's policy as found on disk: none, in force, or refused (which refuses the repository's tasks). */
export type RepositoryPolicyState =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Loaded"; readonly policy: RepositoryPolicyFile }
  | { readonly _tag: "Refused"; readonly error: RepositoryPolicyError }

/** Which repository to read, and the server policy its file is checked against. */
export interface RepositoryPolicySource {
  /** The repository's directory; its policy is `<root>/.coderclaw/policy.yaml`. */
  readonly root: string
  /** The repository's name in skill scopes (what the server's repository policies select on). */
  readonly repository: string
  /** The server's `policies` section: the file may not allow what they deny. */
  readonly server: PolicyConfig
}

/** The file's identity on disk (inode, size, times) and when it last changed; `undefined` when there is none. */
export interface RepositoryPolicyStamp {
  readonly stamp: string
  readonly changedAtMs: number
}

/** Stats a repository's policy file: a change of any part of `stamp` means the file was replaced or edited. */
export const repositoryPolicyStamp = (root: string): RepositoryPolicyStamp | undefined => {
  const stats = statSync(join(root, repositoryPolicyPath), { throwIfNoEntry: false })
  return stats === undefined
    ? undefined
    : {
        stamp: `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`,
        changedAtMs: Math.max(stats.mtimeMs, stats.ctimeMs)
      }
}

/**
 * Reads `<root>/.coderclaw/policy.yaml` where the repository is (a server for its own repository, a worker
 * for its checkout): absent, loaded, or refused with the error naming the file and each bad key. Synchronous,
 * so a decision can read it in place; the file is small.
 */
export const readRepositoryPolicySync = (source: RepositoryPolicySource): RepositoryPolicyState => {
  const file = join(source.root, repositoryPolicyPath)
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { _tag: "Absent" }
    const detail = error instanceof Error ? error.message : String(error)
    return { _tag: "Refused", error: new RepositoryPolicyError({ reason: "Unreadable", file, issues: [detail] }) }
  }
  const parsed = parseRepositoryPolicy(text, { file, repository: source.repository, server: source.server })
  return Result.isSuccess(parsed)
    ? { _tag: "Loaded", policy: parsed.success }
    : { _tag: "Refused", error: parsed.failure }
}

/** `readRepositoryPolicySync` as an Effect: the policy, `undefined` when the repository has none, or the error. */
export const readRepositoryPolicy = (
  source: RepositoryPolicySource
): Effect.Effect<RepositoryPolicyFile | undefined, RepositoryPolicyError> =>
  Effect.suspend(() => {
    const state = readRepositoryPolicySync(source)
    if (state._tag === "Refused") return Effect.fail(state.error)
    return Effect.succeed(state._tag === "Loaded" ? state.policy : undefined)
  })
