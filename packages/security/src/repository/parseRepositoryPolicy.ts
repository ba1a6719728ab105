import { makeDecoder, type TrustLevel } from "@coderclaw/protocol"
import { Result } from "effect"
import { parseDocument } from "yaml"
import { trustRank } from "../policies/cedarSchema.js"
import { selectorMatcher } from "../policies/internal/compilePolicies.js"
import type { PolicyConfig, RepositoryPolicy } from "../policies/PolicyConfig.js"
import { RepositoryPolicyError } from "./RepositoryPolicyError.js"
import { RepositoryPolicyFile } from "./RepositoryPolicyFile.js"

/** What a repository's policy is checked against: its file, its name and the server's policy. */
export interface RepositoryPolicyTarget {
  /** The file's path, as error messages name it. */
  readonly file: string
  /** The repository's name in skill scopes, which the server's repository policies select on. */
  readonly repository: string
  /** The server's `policies` (from `security.yaml`): the file may not allow what they deny. */
  readonly server: PolicyConfig
}

const decode = makeDecoder(RepositoryPolicyFile, "repository policy")

// Keys of the server's policy language that could only widen it: named as such rather than as unknown.
const wideningKeys: Readonly<Record<string, string>> = {
  allowRoles: "roles are granted by the server only",
  allowUsers: "users are granted by the server only",
  cedar: "hand-written Cedar belongs to the server's security.yaml",
  approvals: "who may approve is decided by the server",
  dangerousSkills: "the defaults for dangerous skills are the server's",
  unprotectedPaths: "paths the server protects stay protected"
}

/** Keys whose written form would lift a restriction, found before the schema reports them as mistyped. */
const wideningForms = (raw: Record<string, unknown>): ReadonlyArray<string> => {
  const issues = Object.keys(raw)
    .filter((key) => Object.hasOwn(wideningKeys, key))
    .map((key) => `${key}: ${wideningKeys[key]}; a repository policy can only narrow`)
  const approval = raw.requireApproval
  if (approval === false || (typeof approval === "object" && approval !== null && !Array.isArray(approval))) {
    issues.push("requireApproval: approvals can only be added (a list of skills), never lifted")
  }
  const paths = raw.protectedPaths
  if (Array.isArray(paths)) {
    paths.forEach((path, index) => {
      if (typeof path === "string" && path.startsWith("!"))
        issues.push(
          `protectedPaths.${index}: ${JSON.stringify(path)} would unprotect a path; list only paths to protect`
        )
    })
  }
  return issues
}

const matchesRepository = (policy: RepositoryPolicy, repository: string): boolean =>
  selectorMatcher(policy.repository.toLowerCase())(repository.toLowerCase())

/** The server's repository policy refusing `skill` in this repository, if one does. */
const serverDenial = (skill: string, policies: ReadonlyArray<RepositoryPolicy>): string | undefined => {
  for (const policy of policies) {
    const rules = policy.skills
    if (rules?.deny?.some((selector) => selectorMatcher(selector)(skill)) === true) return policy.id
    if (rules?.allow !== undefined && !rules.allow.some((selector) => selectorMatcher(selector)(skill)))
      return policy.id
  }
  return undefined
}

/** Where the file asks for less than the server already demands: an allowed skill it denies, a lower trust. */
const wideningAgainst = (file: RepositoryPolicyFile, target: RepositoryPolicyTarget): ReadonlyArray<string> => {
  const policies = (target.server.repositories ?? []).filter((policy) => matchesRepository(policy, target.repository))
  const issues: Array<string> = []
  for (const [index, skill] of (file.skills?.allow ?? []).entries()) {
    const denied = serverDenial(skill, policies)
    if (denied !== undefined)
      issues.push(
        `skills.allow.${index}: ${skill} is denied by the server's policy ${denied}; it cannot be allowed here`
      )
  }
  if (file.minTrust !== undefined) {
    const least = file.minTrust
    const stricter = policies.find(
      (policy) => policy.minTrust !== undefined && trustRank[policy.minTrust] > trustRank[least as TrustLevel]
    )
    if (stricter !== undefined)
      issues.push(
        `minTrust: ${least} is below the server's ${stricter.minTrust} (policy ${stricter.id}); it can only be raised`
      )
  }
  return issues
}

/**
 * Reads the text of a repository's `.coderclaw/policy.yaml`: YAML, then its schema (unknown keys refused),
 * then the widening checks (keys that would lift a restriction, skills allowed that the server denies here,
 * a trust below the server's). Each problem is one issue naming its key.
 */
export const parseRepositoryPolicy = (
  text: string,
  target: RepositoryPolicyTarget
): Result.Result<RepositoryPolicyFile, RepositoryPolicyError> => {
  const refuse = (reason: RepositoryPolicyError["reason"], issues: ReadonlyArray<string>) =>
    Result.fail(new RepositoryPolicyError({ reason, file: target.file, issues: [...issues] }))
  const document = parseDocument(text, { uniqueKeys: true })
  if (document.errors.length > 0)
    return refuse(
      "Invalid",
      document.errors.map((error) => `not valid YAML: ${error.message.split("\n")[0] ?? error.message}`)
    )
  const raw: unknown = document.toJS({ maxAliasCount: 50 }) ?? {}
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return refuse("Invalid", ["(file): expected a mapping of keys"])
  const widening = wideningForms(raw as Record<string, unknown>)
  if (widening.length > 0) return refuse("Widening", widening)
  const decoded = decode(raw)
  if (Result.isFailure(decoded))
    return refuse(
      "Invalid",
      decoded.failure.issues.map(
        (issue) => `${issue.path.length === 0 ? "(file)" : issue.path.join(".")}: ${issue.message}`
      )
    )
  const against = wideningAgainst(decoded.success, target)
  return against.length > 0 ? refuse("Widening", against) : Result.succeed(decoded.success)
}
