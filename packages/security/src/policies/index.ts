/**
 * Policies on top of RBAC, evaluated by Cedar: agent, skill and repository rules from `security.yaml`
 * (plus optional hand-written Cedar), with hostile paths and branch names refused before evaluation,
 * embedded test cases run at load, and decisions cached per session and policy version.
 *
 * @module
 */

/** The Cedar schema policies are validated against, and the integer ranks of trust levels. */
export { cedarSchema, trustRank } from "./cedarSchema.js"
/** The bounded per-session decision cache's statistics. */
export type { DecisionCacheStats } from "./DecisionCache.js"
/** Branch-name normalisation following git's ref rules (`refs/heads/` removed). */
export { maxBranchLength, normalizeBranch, normalizeBranchPattern } from "./normalizeBranch.js"
/** Repository-relative path normalisation that refuses traversal and encoding tricks. */
export { maxPathLength, normalizePath } from "./normalizePath.js"
/** Protected-path patterns: segment prefixes with `*` and `**`, compared case-insensitively. */
export { compilePathPattern, type PathPattern } from "./PathPattern.js"
/** The error for a refused path or branch, with the reason. */
export { PathRejected, PathRejectedReason } from "./PathRejected.js"
/** The schema of the `policies` configuration section and its parts. */
export {
  AgentPolicy,
  AllowDeny,
  ApprovalRules,
  DangerousSkillDefaults,
  PolicyConfig,
  PolicyId,
  PolicyTestCase,
  PolicyTestRequest,
  PrincipalIdSelector,
  ProtectedBranchPattern,
  ProtectedPathPattern,
  RepositoryPolicy,
  ResourceType,
  Selector,
  SkillPolicy
} from "./PolicyConfig.js"
/** The policy engine: decisions, atomic replacement of the policy set, and configuration checks. */
export {
  checkPolicyConfig,
  makePolicyEngine,
  PolicyEngine,
  type PolicyEngineOptions,
  type PolicyEngineShape
} from "./PolicyEngine.js"
/** The error for a refused policy set, naming the field, policy or test case at fault. */
export { PolicyLoadError, PolicyLoadErrorReason } from "./PolicyLoadError.js"
/** What the engine is asked and what it answers; `parseResource` reads the protocol's resource strings. */
export {
  type PolicyContext,
  type PolicyDecision,
  type PolicyPrincipal,
  type PolicyRequest,
  type PolicyResource,
  parseResource
} from "./PolicyRequest.js"
