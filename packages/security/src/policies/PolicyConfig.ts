import { Permission, TrustLevel } from "@coderclaw/protocol"
import { Result, Schema } from "effect"
import { RoleName } from "../rbac/RoleDefinition.js"
import { normalizeBranchPattern } from "./normalizeBranch.js"
import { compilePathPattern } from "./PathPattern.js"

/**
 * A policy id: letters, digits and `. _ : @ / -`, starting with a letter or digit, at most 128
 * characters. `#` is reserved: the compiled Cedar policies are named `<id>#<rule>`.
 */
export const PolicyId = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, {
      expected: "a policy id: letters, digits and . _ : @ / -, starting with a letter or digit"
    }),
    Schema.isMaxLength(128)
  )
)

/**
 * Which agents, skills or repositories a rule is about: an exact id, or a pattern where `*` matches any
 * characters (`github.com/acme/*`, `fs.*`, `*`).
 */
export const Selector = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9*][A-Za-z0-9._:@/*-]*$/, {
      expected: "an id or pattern: letters, digits, . _ : @ / - and the wildcard *"
    }),
    Schema.isMaxLength(256)
  )
)

/** A principal id as issued by an identity provider, e.g. `github:12345` or `local:alice`. */
export const PrincipalIdSelector = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, { expected: "a principal id such as local:alice" }),
    Schema.isMaxLength(256)
  )
)

/** A protected-path pattern (see `compilePathPattern` for the syntax); refused when it is not a valid path. */
export const ProtectedPathPattern = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((input: string) => {
      const compiled = compilePathPattern(input)
      return Result.isSuccess(compiled) ? undefined : compiled.failure.message
    })
  )
)

/**
 * A protected-branch pattern: a branch name (`main`, `refs/heads/main`) where `*` matches any characters
 * (`release/*`). Compared case-insensitively.
 */
export const ProtectedBranchPattern = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((input: string) => {
      const normalised = normalizeBranchPattern(input)
      return Result.isSuccess(normalised) ? undefined : normalised.failure.message
    })
  )
)

/**
 * Who may use an agent (submit tasks to it, invoke it, run skills in its tasks). `allowRoles`, when
 * present, is the complete list (admin included only if listed); `denyRoles` wins over it; `minTrust`
 * is the least device trust; `hostMinTrust` the least device trust of a worker hosting it.
 */
export const AgentPolicy = Schema.Struct({
  id: PolicyId,
  agent: Selector,
  allowRoles: Schema.optionalKey(Schema.Array(RoleName)),
  denyRoles: Schema.optionalKey(Schema.Array(RoleName)),
  minTrust: Schema.optionalKey(TrustLevel),
  /** The least device trust of a worker that registers this agent (`agent:host`). */
  hostMinTrust: Schema.optionalKey(TrustLevel)
})
export type AgentPolicy = typeof AgentPolicy.Type

/**
 * Rules for a skill: permissions the caller must hold beyond `skill:execute`, whether it is dangerous
 * (dangerous skills need approval unless `requireApproval: false`), the least device trust, and whether
 * a person must approve each call.
 */
export const SkillPolicy = Schema.Struct({
  id: PolicyId,
  skill: Selector,
  requirePermissions: Schema.optionalKey(Schema.Array(Permission)),
  dangerous: Schema.optionalKey(Schema.Boolean),
  minTrust: Schema.optionalKey(TrustLevel),
  requireApproval: Schema.optionalKey(Schema.Boolean)
})
export type SkillPolicy = typeof SkillPolicy.Type

/** Allowed and denied ids (or `*` patterns); when `allow` is present nothing else is allowed. */
export const AllowDeny = Schema.Struct({
  allow: Schema.optionalKey(Schema.Array(Selector)),
  deny: Schema.optionalKey(Schema.Array(Selector))
})
export type AllowDeny = typeof AllowDeny.Type

/**
 * Rules for every request about a repository (compared case-insensitively; `*` matches any, and `"*"`
 * alone also matches requests that name no repository). Allow lists (`allowRoles`, `allowUsers`) are
 * complete: when either is present, a principal needs one of the roles or to be one of the users. Deny
 * lists win. `protectedPaths` and `protectedBranches` refuse any action touching them, for everyone.
 */
export const RepositoryPolicy = Schema.Struct({
  id: PolicyId,
  repository: Selector,
  minTrust: Schema.optionalKey(TrustLevel),
  allowRoles: Schema.optionalKey(Schema.Array(RoleName)),
  denyRoles: Schema.optionalKey(Schema.Array(RoleName)),
  allowUsers: Schema.optionalKey(Schema.Array(PrincipalIdSelector)),
  denyUsers: Schema.optionalKey(Schema.Array(PrincipalIdSelector)),
  protectedPaths: Schema.optionalKey(Schema.Array(ProtectedPathPattern)),
  protectedBranches: Schema.optionalKey(Schema.Array(ProtectedBranchPattern)),
  agents: Schema.optionalKey(AllowDeny),
  skills: Schema.optionalKey(AllowDeny)
})
export type RepositoryPolicy = typeof RepositoryPolicy.Type

/** Defaults for every skill that is dangerous (declared so by the skill or by a skill policy). */
export const DangerousSkillDefaults = Schema.Struct({
  /** The least device trust for any dangerous skill. */
  minTrust: Schema.optionalKey(TrustLevel),
  /** Whether dangerous skills need approval unless a skill policy says otherwise. Default true. */
  requireApproval: Schema.optionalKey(Schema.Boolean)
})
export type DangerousSkillDefaults = typeof DangerousSkillDefaults.Type

/**
 * Who may approve a dangerous call. `selfApproval: "forbid"` (the default) is separation of duties: the
 * approval must come from a principal other than the task's owner, who is also the principal whose call
 * asked for it (a task's skill calls act for its owner). `"allow"` lets owners approve their own calls,
 * for single-person deployments that accept the risk.
 */
export const ApprovalRules = Schema.Struct({
  selfApproval: Schema.optionalKey(Schema.Literals(["forbid", "allow"]))
})
export type ApprovalRules = typeof ApprovalRules.Type

/** The kinds of resource a decision is about. */
export const ResourceType = Schema.Literals(["Task", "Agent", "Skill", "Repository", "Method"])
export type ResourceType = typeof ResourceType.Type

/** A request as written in a policy file's test case: the same fields `PolicyEngine.decide` reads. */
export const PolicyTestRequest = Schema.Struct({
  principal: Schema.Struct({
    id: Schema.String,
    roles: Schema.Array(Schema.String),
    trust: TrustLevel,
    sessionId: Schema.optionalKey(Schema.String)
  }),
  action: Permission,
  resource: Schema.Struct({ type: ResourceType, id: Schema.String }),
  context: Schema.optionalKey(
    Schema.Struct({
      repository: Schema.optionalKey(Schema.String),
      paths: Schema.optionalKey(Schema.Array(Schema.String)),
      branch: Schema.optionalKey(Schema.String),
      agentId: Schema.optionalKey(Schema.String),
      skillId: Schema.optionalKey(Schema.String),
      dangerous: Schema.optionalKey(Schema.Boolean),
      skillPermissions: Schema.optionalKey(Schema.Array(Schema.String))
    })
  )
})
export type PolicyTestRequest = typeof PolicyTestRequest.Type

/**
 * A test case embedded in the policy file, run every time the file is loaded: if any case does not get
 * the expected decision (and approval, when given), the whole policy set is refused. A request whose
 * path or branch is rejected counts as `deny`.
 */
export const PolicyTestCase = Schema.Struct({
  name: Schema.NonEmptyString,
  request: PolicyTestRequest,
  expect: Schema.Literals(["allow", "deny"]),
  requiresApproval: Schema.optionalKey(Schema.Boolean)
})
export type PolicyTestCase = typeof PolicyTestCase.Type

/**
 * The `policies` section of `security.yaml`. Every section is optional; an empty configuration leaves
 * only RBAC (and the built-in skill-permission rule) in force. `cedar` holds extra Cedar policies for
 * advanced use; each must carry a unique `@id("…")` annotation and may carry `@reason("…")`.
 */
export const PolicyConfig = Schema.Struct({
  agents: Schema.optionalKey(Schema.Array(AgentPolicy)),
  skills: Schema.optionalKey(Schema.Array(SkillPolicy)),
  repositories: Schema.optionalKey(Schema.Array(RepositoryPolicy)),
  dangerousSkills: Schema.optionalKey(DangerousSkillDefaults),
  approvals: Schema.optionalKey(ApprovalRules),
  cedar: Schema.optionalKey(Schema.String),
  tests: Schema.optionalKey(Schema.Array(PolicyTestCase))
})
export type PolicyConfig = typeof PolicyConfig.Type
