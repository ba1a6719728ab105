import * as Cedar from "@cedar-policy/cedar-wasm/nodejs"
import type { RoleGateShape } from "../../rbac/RoleGate.js"
import { trustRank } from "../cedarSchema.js"
import type { PolicyDecision } from "../PolicyRequest.js"
import type { CompiledPolicies } from "./compilePolicies.js"
import { describeCedarErrors } from "./describeCedarErrors.js"
import type { NormalizedRequest } from "./normalizeRequest.js"

const resourceTypes: ReadonlySet<string> = new Set(["Task", "Agent", "Skill", "Repository", "Method"])

const decisionOf = (
  decision: "allow" | "deny",
  requiresApproval: boolean,
  policies: ReadonlyArray<string>,
  reasons: ReadonlyArray<string>
): PolicyDecision =>
  Object.freeze({
    decision,
    requiresApproval,
    policies: Object.freeze([...policies]),
    reasons: Object.freeze([...reasons])
  })

/**
 * The uncached decision function of a compiled set whose Cedar policies are preparsed under
 * `preparsedId`: the role gate first, then one Cedar evaluation, then approval for skill calls. The
 * exact rule is documented on `PolicyEngineShape`.
 */
export const makeDecide = (compiled: CompiledPolicies, gate: RoleGateShape, preparsedId: string) => {
  // Each role with everything it inherits, so the principal's parents can list the whole closure and the
  // request needs a single entity (entity count dominates Cedar's per-call cost).
  const closureOf = new Map<string, ReadonlyArray<string>>()
  const closure = (name: string): ReadonlyArray<string> => {
    const known = closureOf.get(name)
    if (known !== undefined) return known
    const role = gate.table.get(name)
    const names = role === undefined ? [] : [...new Set([name, ...role.inherits.flatMap(closure)])]
    closureOf.set(name, names)
    return names
  }
  for (const name of gate.table.keys()) closure(name)
  // Per distinct role list: the principal's permissions and parent roles, computed once. Cedar only reads
  // these arrays, so they are shared between calls. Bounded: role lists come from configuration.
  const principalFacts = new Map<string, { permissions: Array<string>; parents: Array<Cedar.EntityUidJson> }>()
  const factsOf = (roles: ReadonlyArray<string>) => {
    const key = roles.join("\u0000")
    const known = principalFacts.get(key)
    if (known !== undefined) return known
    const names = new Set<string>()
    for (const role of roles) for (const name of closureOf.get(role) ?? []) names.add(name)
    const facts = {
      permissions: [...gate.permissionsOf(roles)],
      parents: [...names].map((name) => ({ type: "Role", id: name }))
    }
    if (principalFacts.size >= 1024) principalFacts.clear()
    principalFacts.set(key, facts)
    return facts
  }
  const describe = (id: string) => compiled.descriptions.get(id) ?? `policy ${id}`

  return (request: NormalizedRequest): PolicyDecision => {
    if (!gate.allows(request.roles, request.action)) {
      const roles = request.roles.length === 0 ? "no roles" : `roles ${request.roles.join(", ")}`
      return decisionOf("deny", false, ["default-deny"], [`${roles} grant no ${request.action}`])
    }
    if (!resourceTypes.has(request.resourceType)) {
      return decisionOf("deny", false, ["default-deny"], [`unknown resource type ${request.resourceType}`])
    }
    const { skill } = request
    const skillRules = skill === undefined ? [] : compiled.skillRules.filter((rule) => rule.matches(skill))
    const dangerous = request.dangerous || skillRules.some((rule) => rule.dangerous)
    const hits: Array<string> = []
    if (request.paths.length > 0) {
      for (const pattern of compiled.pathPatterns) {
        if (request.paths.some(pattern.covers)) hits.push(pattern.source)
      }
    }
    const context: Record<string, Cedar.CedarValueJson> = {
      repository: request.repository,
      paths: request.paths as Array<string>,
      protectedPathHits: hits,
      dangerous,
      skillPermissions: request.skillPermissions as Array<string>
    }
    if (request.agent !== undefined) context.agent = request.agent
    if (skill !== undefined) context.skill = skill
    if (request.branch !== undefined) context.branch = request.branch
    const facts = factsOf(request.roles)
    const principal: Cedar.EntityJson = {
      uid: { type: "Principal", id: request.principalId },
      attrs: { trust: trustRank[request.trust] ?? 0, permissions: facts.permissions },
      parents: facts.parents
    }
    let answer: Cedar.AuthorizationAnswer
    try {
      answer = Cedar.statefulIsAuthorized({
        principal: principal.uid,
        action: { type: "Action", id: request.action },
        resource: { type: request.resourceType, id: request.resourceId },
        context,
        preparsedPolicySetId: preparsedId,
        entities: [principal]
      })
    } catch (error) {
      // The bindings throw on input they cannot read; refuse rather than let the exception escape.
      return decisionOf("deny", false, ["policy-error"], [error instanceof Error ? error.message : String(error)])
    }
    if (answer.type === "failure") {
      return decisionOf("deny", false, ["policy-error"], describeCedarErrors(answer.errors))
    }
    const { decision, diagnostics } = answer.response
    if (diagnostics.errors.length > 0) {
      // Cedar skips a policy whose evaluation errs; a skipped `forbid` would silently allow, so any
      // evaluation error denies, naming the policies that erred.
      return decisionOf(
        "deny",
        false,
        diagnostics.errors.map((error) => error.policyId),
        diagnostics.errors.map((error) => `policy ${error.policyId} could not be evaluated: ${error.error.message}`)
      )
    }
    const decided = [...diagnostics.reason].sort()
    if (decision === "deny") {
      return decided.length === 0
        ? decisionOf("deny", false, ["default-deny"], ["no policy permits it"])
        : decisionOf("deny", false, decided, decided.map(describe))
    }
    const policies = [...decided]
    const reasons = decided.map(describe)
    if (request.action === "skill:execute") {
      const explicit = skillRules.filter((rule) => rule.requireApproval === true)
      for (const rule of explicit) {
        policies.push(`${rule.id}#approval`)
        reasons.push(`skill ${skill} requires approval (${rule.id})`)
      }
      if (
        explicit.length === 0 &&
        dangerous &&
        compiled.dangerousRequireApproval &&
        !skillRules.some((rule) => rule.requireApproval === false)
      ) {
        policies.push("dangerous-skills#approval")
        reasons.push(`skill ${skill ?? "(unnamed)"} is dangerous and requires approval`)
      }
    }
    return decisionOf("allow", policies.length > decided.length, policies, reasons)
  }
}
