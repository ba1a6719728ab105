import type { TrustLevel } from "@coderclaw/protocol"
import { Result } from "effect"
import { trustRank } from "../policies/cedarSchema.js"
import { selectorMatcher } from "../policies/internal/compilePolicies.js"
import { normalizePath } from "../policies/normalizePath.js"
import { compilePathPattern, type PathPattern } from "../policies/PathPattern.js"
import { repositoryPolicyPath } from "./RepositoryPolicyFile.js"
import type { RepositoryPolicyState } from "./readRepositoryPolicy.js"

/** What a repository's policy is asked about an already allowed request. */
export interface RepositoryRequest {
  readonly action: string
  readonly trust: TrustLevel
  readonly skillId?: string | undefined
  /** Repository-relative paths the request touches. */
  readonly paths?: ReadonlyArray<string> | undefined
}

/** The narrowed outcome: refused by the file, or still allowed (perhaps now needing approval). */
export type RepositoryNarrowing =
  | { readonly _tag: "Deny"; readonly reasons: ReadonlyArray<string> }
  | { readonly _tag: "Allow"; readonly requiresApproval: boolean; readonly policies: ReadonlyArray<string> }

/** The id a decision names for a rule of the file, e.g. `.coderclaw/policy.yaml#skills.deny`. */
export const repositoryRuleId = (rule: string): string => `${repositoryPolicyPath}#${rule}`

// The actions of work that runs in the repository; reading, watching and status stay open, so a broken file
// refuses new work without locking anyone out of their tasks.
const workActions = new Set(["task:submit", "agent:invoke", "skill:execute"])

const allowed: RepositoryNarrowing = { _tag: "Allow", requiresApproval: false, policies: [] }

const deny = (rule: string): RepositoryNarrowing => ({ _tag: "Deny", reasons: [repositoryRuleId(rule)] })

const anyMatch = (selectors: ReadonlyArray<string> | undefined, id: string): boolean =>
  selectors?.some((selector) => selectorMatcher(selector)(id)) === true

// Compiled once per loaded file (the schema already checked every pattern compiles).
const compiledPatterns = new WeakMap<ReadonlyArray<string>, ReadonlyArray<PathPattern>>()

const patternsOf = (patterns: ReadonlyArray<string>): ReadonlyArray<PathPattern> => {
  let compiled = compiledPatterns.get(patterns)
  if (compiled === undefined) {
    compiled = patterns.flatMap((pattern) => {
      const result = compilePathPattern(pattern)
      return Result.isSuccess(result) ? [result.success] : []
    })
    compiledPatterns.set(patterns, compiled)
  }
  return compiled
}

const touchesProtected = (patterns: ReadonlyArray<string>, paths: ReadonlyArray<string>): boolean => {
  const compiled = patternsOf(patterns)
  return paths.some((path) => {
    const normalised = normalizePath(path)
    // The server's engine refuses malformed paths before this is asked; refuse them here too.
    if (Result.isFailure(normalised)) return true
    const lower = normalised.success.toLowerCase()
    return compiled.some((pattern) => pattern.covers(lower))
  })
}

/**
 * Narrows a decision the server's policy allowed by the repository's own policy: it can refuse it (a file
 * that was refused, a trust below `minTrust`, a skill denied or not allowed, a protected path) or ask for a
 * person's approval, never allow what the server refused. Only work in the repository is narrowed: submitting
 * and invoking (trust, and a refused file) and skill calls (all rules).
 */
export const narrowByRepositoryPolicy = (
  state: RepositoryPolicyState,
  request: RepositoryRequest
): RepositoryNarrowing => {
  if (!workActions.has(request.action) || state._tag === "Absent") return allowed
  if (state._tag === "Refused") return { _tag: "Deny", reasons: [repositoryRuleId("invalid"), state.error.message] }
  const { policy } = state
  if (policy.minTrust !== undefined && trustRank[request.trust] < trustRank[policy.minTrust]) return deny("minTrust")
  const skill = request.skillId
  if (request.action !== "skill:execute" || skill === undefined) return allowed
  if (anyMatch(policy.skills?.deny, skill)) return deny("skills.deny")
  if (policy.skills?.allow !== undefined && !anyMatch(policy.skills.allow, skill)) return deny("skills.allow")
  if (policy.protectedPaths !== undefined && touchesProtected(policy.protectedPaths, request.paths ?? []))
    return deny("protectedPaths")
  return anyMatch(policy.requireApproval, skill)
    ? { _tag: "Allow", requiresApproval: true, policies: [repositoryRuleId("requireApproval")] }
    : allowed
}
