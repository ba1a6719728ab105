import * as Cedar from "@cedar-policy/cedar-wasm/nodejs"
import { Result } from "effect"
import type { RoleTable } from "../../rbac/RoleTable.js"
import { trustRank } from "../cedarSchema.js"
import { normalizeBranchPattern } from "../normalizeBranch.js"
import { compilePathPattern, type PathPattern } from "../PathPattern.js"
import type { PolicyConfig } from "../PolicyConfig.js"
import { PolicyLoadError } from "../PolicyLoadError.js"
import { cedarEntity, cedarEntitySet, cedarMatchAny, cedarString, cedarStringSet } from "./cedarText.js"
import { describeCedarErrors } from "./describeCedarErrors.js"

/** What a skill policy contributes outside Cedar: the dangerous flag and the approval requirement. */
export interface SkillRule {
  readonly id: string
  readonly matches: (skill: string) => boolean
  readonly dangerous: boolean
  readonly requireApproval: boolean | undefined
}

/** A configuration turned into Cedar policies plus the few facts evaluated around Cedar. */
export interface CompiledPolicies {
  /** Cedar policy text by policy id. */
  readonly policies: Readonly<Record<string, string>>
  /** A sentence per policy id, used as the reason in decisions. */
  readonly descriptions: ReadonlyMap<string, string>
  /** Every distinct protected-path pattern, to compute `context.protectedPathHits`. */
  readonly pathPatterns: ReadonlyArray<PathPattern>
  readonly skillRules: ReadonlyArray<SkillRule>
  /** Whether dangerous skills need approval when no skill policy says otherwise. */
  readonly dangerousRequireApproval: boolean
}

/** The actions that "use" an agent: what agent policies restrict. */
const useActions = `[${["task:submit", "agent:invoke", "skill:execute"].map((action) => cedarEntity("Action", action)).join(", ")}]`

/** The id of the built-in rule that a skill's declared permissions must all be held. */
export const skillPermissionsPolicyId = "skill-declared-permissions"

const selectorRegExp = (selector: string): RegExp =>
  new RegExp(
    `^${selector
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`
  )

/** A predicate for a `*` selector, with the same meaning as Cedar's `like`. */
export const selectorMatcher = (selector: string): ((value: string) => boolean) => {
  if (!selector.includes("*")) return (value) => value === selector
  const regExp = selectorRegExp(selector)
  return (value) => regExp.test(value)
}

const refused = (reason: PolicyLoadError["reason"], subject: string, details: ReadonlyArray<string>) =>
  new PolicyLoadError({ reason, subject, details })

const forbid = (id: string, action: string, conditions: string): string =>
  `@id(${cedarString(id)})\nforbid (principal, ${action}, resource)\n${conditions};`

/**
 * Compiles a decoded policy configuration. The rules it produces, all `forbid` except the role permits:
 *
 * - `role:<name>`: `permit` the role's own permissions to its members (a principal is a member of its
 *   roles and of every role they inherit). These mirror RBAC inside Cedar, so every allow has a reason.
 * - Agent policy `<id>`: `<id>#deny-roles`, `<id>#allow-roles`, `<id>#min-trust`, for the actions that
 *   use the agent (`task:submit`, `agent:invoke`, `skill:execute`).
 * - Skill policy `<id>`: `<id>#min-trust`, `<id>#permissions` (every listed permission must be held).
 * - Repository policy `<id>`: `<id>#min-trust`, `#deny-roles`, `#deny-users`, `#allow` (roles or users),
 *   `#protected-paths`, `#protected-branches`, `#agents-allow`, `#agents-deny`, `#skills-allow`,
 *   `#skills-deny`, for every action on a matching repository.
 * - `dangerous-skills#min-trust` when configured, and the built-in `skill-declared-permissions`.
 * - The hand-written `cedar` policies under their `@id`.
 *
 * Allow lists are `forbid … unless { allowed }` rather than `permit`s: permits only add up, so two
 * independent allow lists (an agent's and a repository's) written as permits would each open what the
 * other closes; as forbids, every list must be satisfied.
 */
export const compilePolicies = (
  config: PolicyConfig,
  roles: RoleTable
): Result.Result<CompiledPolicies, PolicyLoadError> => {
  const policies: Record<string, string> = {}
  const descriptions = new Map<string, string>()
  const add = (id: string, text: string, description: string): PolicyLoadError | undefined => {
    if (Object.hasOwn(policies, id))
      return refused("DuplicateId", id, [`the policy id ${JSON.stringify(id)} is used twice`])
    policies[id] = text
    descriptions.set(id, description)
    return undefined
  }

  for (const role of roles.values()) {
    if (role.permissions.length === 0) continue
    const actions = role.permissions.includes("admin:all")
      ? "action"
      : `action in [${role.permissions.map((permission) => cedarEntity("Action", permission)).join(", ")}]`
    add(
      `role:${role.name}`,
      `@id(${cedarString(`role:${role.name}`)})\npermit (principal in ${cedarEntity("Role", role.name)}, ${actions}, resource);`,
      `granted by role ${role.name}`
    )
  }

  const configIds = new Set<string>()
  const checkRoles = (id: string, field: string, names: ReadonlyArray<string> | undefined) => {
    const unknown = (names ?? []).filter((name) => !roles.has(name))
    return unknown.length === 0
      ? undefined
      : refused("UnknownRole", id, [
          `${field} names undefined role ${unknown.map((name) => JSON.stringify(name)).join(", ")}`
        ])
  }
  const errors: Array<PolicyLoadError | undefined> = []
  const claimId = (id: string) => {
    if (configIds.has(id))
      errors.push(refused("DuplicateId", id, [`the policy id ${JSON.stringify(id)} is used twice`]))
    configIds.add(id)
  }
  const trustRule = (
    id: string,
    action: string,
    scope: string,
    minTrust: keyof typeof trustRank | undefined,
    what: string
  ) => {
    if (minTrust === undefined || trustRank[minTrust] === 0) return
    errors.push(
      add(
        `${id}#min-trust`,
        forbid(`${id}#min-trust`, action, `when { ${scope} && principal.trust < ${trustRank[minTrust]} }`),
        `${what} requires a ${minTrust} device (${id})`
      )
    )
  }
  const anyRole = (names: ReadonlyArray<string>) => `principal in ${cedarEntitySet("Role", names)}`
  const anyUser = (ids: ReadonlyArray<string>) => `${cedarEntitySet("Principal", ids)}.contains(principal)`

  for (const policy of config.agents ?? []) {
    claimId(policy.id)
    errors.push(
      checkRoles(policy.id, "allowRoles", policy.allowRoles),
      checkRoles(policy.id, "denyRoles", policy.denyRoles)
    )
    const scope = `context has agent && ${cedarMatchAny("context.agent", [policy.agent])}`
    const action = `action in ${useActions}`
    const what = `agent ${policy.agent}`
    if (policy.denyRoles !== undefined && policy.denyRoles.length > 0) {
      errors.push(
        add(
          `${policy.id}#deny-roles`,
          forbid(`${policy.id}#deny-roles`, action, `when { ${scope} && ${anyRole(policy.denyRoles)} }`),
          `${what} is denied to roles ${policy.denyRoles.join(", ")} (${policy.id})`
        )
      )
    }
    if (policy.allowRoles !== undefined) {
      const unless = policy.allowRoles.length > 0 ? `\nunless { ${anyRole(policy.allowRoles)} }` : ""
      errors.push(
        add(
          `${policy.id}#allow-roles`,
          forbid(`${policy.id}#allow-roles`, action, `when { ${scope} }${unless}`),
          `${what} is only for roles ${policy.allowRoles.join(", ") || "(none)"} (${policy.id})`
        )
      )
    }
    trustRule(policy.id, action, scope, policy.minTrust, what)
    // Hosting the agent on a worker is decided apart from using it: a worker's device must be trusted enough.
    trustRule(
      `${policy.id}#host`,
      `action == ${cedarEntity("Action", "agent:host")}`,
      scope,
      policy.hostMinTrust,
      `hosting agent ${policy.agent}`
    )
  }

  const skillRules: Array<SkillRule> = []
  for (const policy of config.skills ?? []) {
    claimId(policy.id)
    const scope = `context has skill && ${cedarMatchAny("context.skill", [policy.skill])}`
    const what = `skill ${policy.skill}`
    trustRule(policy.id, "action", scope, policy.minTrust, what)
    if (policy.requirePermissions !== undefined && policy.requirePermissions.length > 0) {
      errors.push(
        add(
          `${policy.id}#permissions`,
          forbid(
            `${policy.id}#permissions`,
            "action",
            `when { ${scope} }\nunless { principal.permissions.containsAll(${cedarStringSet(policy.requirePermissions)}) }`
          ),
          `${what} requires the permissions ${policy.requirePermissions.join(", ")} (${policy.id})`
        )
      )
    }
    skillRules.push({
      id: policy.id,
      matches: selectorMatcher(policy.skill),
      dangerous: policy.dangerous === true,
      requireApproval: policy.requireApproval
    })
  }

  const pathPatterns = new Map<string, PathPattern>()
  for (const policy of config.repositories ?? []) {
    claimId(policy.id)
    errors.push(
      checkRoles(policy.id, "allowRoles", policy.allowRoles),
      checkRoles(policy.id, "denyRoles", policy.denyRoles)
    )
    const repository = policy.repository.toLowerCase()
    const scope = cedarMatchAny("context.repository", [repository])
    const what = `repository ${repository}`
    const rule = (suffix: string, conditions: string, description: string) =>
      errors.push(
        add(
          `${policy.id}#${suffix}`,
          forbid(`${policy.id}#${suffix}`, "action", conditions),
          `${description} (${policy.id})`
        )
      )
    trustRule(policy.id, "action", scope, policy.minTrust, what)
    if (policy.denyRoles !== undefined && policy.denyRoles.length > 0) {
      rule(
        "deny-roles",
        `when { ${scope} && ${anyRole(policy.denyRoles)} }`,
        `${what} is denied to roles ${policy.denyRoles.join(", ")}`
      )
    }
    if (policy.denyUsers !== undefined && policy.denyUsers.length > 0) {
      rule("deny-users", `when { ${scope} && ${anyUser(policy.denyUsers)} }`, `${what} is denied to this user`)
    }
    if (policy.allowRoles !== undefined || policy.allowUsers !== undefined) {
      const allowed = [
        ...(policy.allowRoles !== undefined && policy.allowRoles.length > 0 ? [anyRole(policy.allowRoles)] : []),
        ...(policy.allowUsers !== undefined && policy.allowUsers.length > 0 ? [anyUser(policy.allowUsers)] : [])
      ]
      const unless = allowed.length > 0 ? `\nunless { ${allowed.join(" || ")} }` : ""
      rule("allow", `when { ${scope} }${unless}`, `${what} is only for its listed roles and users`)
    }
    if (policy.protectedPaths !== undefined && policy.protectedPaths.length > 0) {
      const sources: Array<string> = []
      for (const input of policy.protectedPaths) {
        // Decoding already checked every pattern, so compiling cannot fail here.
        const pattern = Result.getOrThrow(compilePathPattern(input))
        pathPatterns.set(pattern.source, pattern)
        sources.push(pattern.source)
      }
      rule(
        "protected-paths",
        `when { ${scope} && context.protectedPathHits.containsAny(${cedarStringSet(sources)}) }`,
        `${what} protects the paths ${sources.join(", ")}`
      )
    }
    if (policy.protectedBranches !== undefined && policy.protectedBranches.length > 0) {
      const branches = policy.protectedBranches.map((input) =>
        Result.getOrThrow(normalizeBranchPattern(input)).toLowerCase()
      )
      rule(
        "protected-branches",
        `when { ${scope} && context has branch && ${cedarMatchAny("context.branch", branches)} }`,
        `${what} protects the branches ${branches.join(", ")}`
      )
    }
    for (const [field, attribute] of [
      ["agents", "agent"],
      ["skills", "skill"]
    ] as const) {
      const lists = policy[field]
      if (lists?.allow !== undefined) {
        const unless =
          lists.allow.length > 0 ? `\nunless { ${cedarMatchAny(`context.${attribute}`, lists.allow)} }` : ""
        rule(
          `${field}-allow`,
          `when { ${scope} && context has ${attribute} }${unless}`,
          `${what} allows only the ${field} ${lists.allow.join(", ") || "(none)"}`
        )
      }
      if (lists?.deny !== undefined && lists.deny.length > 0) {
        rule(
          `${field}-deny`,
          `when { ${scope} && context has ${attribute} && ${cedarMatchAny(`context.${attribute}`, lists.deny)} }`,
          `${what} denies the ${field} ${lists.deny.join(", ")}`
        )
      }
    }
  }

  const dangerousMinTrust = config.dangerousSkills?.minTrust
  if (dangerousMinTrust !== undefined && trustRank[dangerousMinTrust] > 0) {
    errors.push(
      add(
        "dangerous-skills#min-trust",
        forbid(
          "dangerous-skills#min-trust",
          "action",
          `when { context.dangerous && principal.trust < ${trustRank[dangerousMinTrust]} }`
        ),
        `dangerous skills require a ${dangerousMinTrust} device (dangerous-skills)`
      )
    )
  }
  errors.push(
    add(
      skillPermissionsPolicyId,
      forbid(
        skillPermissionsPolicyId,
        "action",
        "unless { principal.permissions.containsAll(context.skillPermissions) }"
      ),
      "the skill requires permissions the principal does not hold"
    )
  )

  const firstConfigError = errors.find((error) => error !== undefined)
  if (firstConfigError !== undefined) return Result.fail(firstConfigError)

  if (config.cedar !== undefined && config.cedar.trim() !== "") {
    const parts = Cedar.policySetTextToParts(config.cedar)
    if (parts.type === "failure")
      return Result.fail(refused("CedarParse", "cedar", describeCedarErrors(parts.errors, config.cedar)))
    if (parts.policy_templates.length > 0) {
      return Result.fail(refused("CedarParse", "cedar", ["policy templates are not supported; write static policies"]))
    }
    for (const [index, text] of parts.policies.entries()) {
      const json = Cedar.policyToJson(text)
      if (json.type === "failure") {
        return Result.fail(refused("CedarParse", `cedar policy #${index + 1}`, describeCedarErrors(json.errors, text)))
      }
      const id = json.json.annotations?.id
      if (id === undefined || id === "") {
        return Result.fail(
          refused("CedarParse", `cedar policy #${index + 1}`, [
            'every hand-written policy needs an @id("…") annotation'
          ])
        )
      }
      const error = add(id, text, json.json.annotations?.reason ?? `policy ${id}`)
      if (error !== undefined) return Result.fail(error)
    }
  }

  return Result.succeed({
    policies,
    descriptions,
    pathPatterns: [...pathPatterns.values()],
    skillRules,
    dangerousRequireApproval: config.dangerousSkills?.requireApproval !== false
  })
}
