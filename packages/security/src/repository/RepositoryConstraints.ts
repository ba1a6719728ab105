import { Effect } from "effect"
import type { PolicyConfig } from "../policies/PolicyConfig.js"
import {
  narrowByRepositoryPolicy,
  type RepositoryNarrowing,
  type RepositoryRequest
} from "./narrowByRepositoryPolicy.js"
import { type RepositoryPolicyState, readRepositoryPolicySync, repositoryPolicyStamp } from "./readRepositoryPolicy.js"

/** A repository whose tasks run here: its name in skill scopes and its directory. */
export interface ServedRepository {
  readonly name: string
  readonly root: string
}

/** Narrows the server's allowed decisions by the policies the served repositories keep in their own files. */
export interface RepositoryConstraintsShape {
  /**
   * The narrowing for a request about `repository` (a name from a skill scope). A request naming no
   * repository is about the first served one, where in-process work runs. A repository not served here
   * has no file to narrow by.
   */
  narrow(repository: string | undefined, request: RepositoryRequest): Effect.Effect<RepositoryNarrowing>
}

interface CachedPolicy {
  readonly stamp: string | undefined
  /** Until when the stamp alone cannot prove the file unchanged (file times are coarse). */
  readonly racyUntilMs: number
  readonly state: RepositoryPolicyState
}

// File times tick coarsely (a few ms): an edit of the same size within one tick keeps the stamp. A file
// changed this recently is read again on every decision, as git does for its "racily clean" entries.
const racyWindowMs = 2_000

const absent: RepositoryPolicyState = { _tag: "Absent" }

/**
 * Repository constraints read from `<root>/.coderclaw/policy.yaml` of each served repository. The file is
 * read again whenever it changes: each decision compares the file's inode, size and times with those of the
 * copy in force (one `stat`), so an edit, a checkout or a deletion applies to the next decision, and an
 * unchanged file is parsed once (a file changed in the last two seconds is read on every decision, since
 * file times are too coarse to tell two quick edits of the same size apart).
 */
export const makeRepositoryConstraints = (options: {
  readonly repositories: ReadonlyArray<ServedRepository>
  readonly server: PolicyConfig
}): RepositoryConstraintsShape => {
  const cache = new Map<string, CachedPolicy>()
  const stateOf = (repository: ServedRepository): RepositoryPolicyState => {
    const stamped = repositoryPolicyStamp(repository.root)
    const cached = cache.get(repository.name)
    const now = Date.now()
    if (cached !== undefined && cached.stamp === stamped?.stamp && now > cached.racyUntilMs) return cached.state
    const state =
      stamped === undefined
        ? absent
        : readRepositoryPolicySync({ root: repository.root, repository: repository.name, server: options.server })
    cache.set(repository.name, {
      stamp: stamped?.stamp,
      racyUntilMs: stamped === undefined ? 0 : stamped.changedAtMs + racyWindowMs,
      state
    })
    return state
  }
  return {
    narrow: (name, request) =>
      Effect.sync(() => {
        const repository =
          name === undefined ? options.repositories[0] : options.repositories.find((each) => each.name === name)
        return narrowByRepositoryPolicy(repository === undefined ? absent : stateOf(repository), request)
      })
  }
}
