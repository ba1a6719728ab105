import { TrustLevel } from "@coderclaw/protocol"
import { Schema } from "effect"
import { ProtectedPathPattern, Selector } from "../policies/PolicyConfig.js"

/** Where a repository keeps its own policy, relative to its root. */
export const repositoryPolicyPath = ".coderclaw/policy.yaml"

/**
 * A repository's own `.coderclaw/policy.yaml`, checked into the repository. Every key only narrows what the
 * server's policy allows for tasks in that repository; none can widen it:
 *
 * - `protectedPaths`: more paths no skill may read, list, search or run in (the server's syntax);
 * - `skills.deny`: skills refused here; `skills.allow`: when present, the only skills allowed here;
 * - `requireApproval`: skills (ids or `*` patterns) that wait for a person's approval before each call;
 * - `minTrust`: the least device trust for submitting tasks and running skills here (the higher of this and
 *   the server's applies).
 *
 * Unknown keys are refused.
 */
export const RepositoryPolicyFile = Schema.Struct({
  protectedPaths: Schema.optionalKey(Schema.Array(ProtectedPathPattern)),
  skills: Schema.optionalKey(
    Schema.Struct({
      allow: Schema.optionalKey(Schema.Array(Selector)),
      deny: Schema.optionalKey(Schema.Array(Selector))
    })
  ),
  requireApproval: Schema.optionalKey(Schema.Array(Selector)),
  minTrust: Schema.optionalKey(TrustLevel)
}).annotate({ title: "RepositoryPolicyFile" })
export type RepositoryPolicyFile = typeof RepositoryPolicyFile.Type
