/**
 * A repository's own `.coderclaw/policy.yaml`: read where the repository's tasks run, validated, and able
 * only to narrow the server's policy (more protected paths, fewer skills, more approvals, a higher trust).
 *
 * @module
 */

export {
  narrowByRepositoryPolicy,
  type RepositoryNarrowing,
  type RepositoryRequest,
  repositoryRuleId
} from "./narrowByRepositoryPolicy.js"
export { parseRepositoryPolicy, type RepositoryPolicyTarget } from "./parseRepositoryPolicy.js"
export {
  makeRepositoryConstraints,
  type RepositoryConstraintsShape,
  type ServedRepository
} from "./RepositoryConstraints.js"
export { RepositoryPolicyError } from "./RepositoryPolicyError.js"
export { RepositoryPolicyFile, repositoryPolicyPath } from "./RepositoryPolicyFile.js"
export {
  type RepositoryPolicySource,
  type RepositoryPolicyStamp,
  type RepositoryPolicyState,
  readRepositoryPolicy,
  readRepositoryPolicySync,
  repositoryPolicyStamp
} from "./readRepositoryPolicy.js"
