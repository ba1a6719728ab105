import type { Permission, TrustLevel } from "@coderclaw/protocol"
import type { ResourceType } from "./PolicyConfig.js"

/**
 * The caller, as the server's session knows it. Only these four fields are read: the protocol's
 * `Principal` fits as is, and anything else on the object (a `permissions` list, extra claims) is ignored.
 * Permissions are always computed from `roles` by the role gate, and roles the role table does not know
 * grant nothing.
 */
export interface PolicyPrincipal {
  readonly id: string
  readonly roles: ReadonlyArray<string>
  readonly trust: TrustLevel
  readonly sessionId: string
}

/** What the action is on: `Task`/`<task id>`, `Agent`/`<agent id>`, `Skill`/`<skill id>`, … */
export interface PolicyResource {
  readonly type: ResourceType
  readonly id: string
}

/**
 * What the runtime knows about the request. Paths and the branch are normalised (or rejected) before
 * any policy sees them. When `agentId`/`skillId`/`repository` are missing they are taken from the
 * resource if it is an agent, a skill or a repository.
 */
export interface PolicyContext {
  readonly repository?: string | undefined
  /** Repository-relative paths the action touches. */
  readonly paths?: ReadonlyArray<string> | undefined
  readonly branch?: string | undefined
  readonly agentId?: string | undefined
  readonly skillId?: string | undefined
  /** The skill is declared dangerous by its descriptor. */
  readonly dangerous?: boolean | undefined
  /** The permissions the skill's descriptor says its caller must hold. */
  readonly skillPermissions?: ReadonlyArray<string> | undefined
}

/** One question for the policy engine. */
export interface PolicyRequest {
  readonly principal: PolicyPrincipal
  readonly action: Permission
  readonly resource: PolicyResource
  readonly context?: PolicyContext | undefined
}

/** The answer, with the policies that decided it and why, in words. */
export interface PolicyDecision {
  readonly decision: "allow" | "deny"
  /** Allowed, but a person must approve before it runs. Always false on `deny`. */
  readonly requiresApproval: boolean
  /**
   * The ids of the policies that decided: on `deny`, the `forbid` policies that applied, or
   * `default-deny` when no permit did; on `allow`, the permits that applied (the granting roles, as
   * `role:<name>`) plus any policy that requires approval.
   */
  readonly policies: ReadonlyArray<string>
  /** One sentence per policy in `policies`, in the same order. */
  readonly reasons: ReadonlyArray<string>
}

const resourceTypes: { readonly [prefix: string]: ResourceType } = {
  task: "Task",
  agent: "Agent",
  skill: "Skill",
  repository: "Repository",
  method: "Method"
}

/**
 * Reads the protocol's resource string (`task/<id>`, `agent/<id>`, `skill/<id>`, `repository/<id>`,
 * `method/<name>`) as a `PolicyResource`; `undefined` for any other form.
 */
export const parseResource = (resource: string): PolicyResource | undefined => {
  const slash = resource.indexOf("/")
  if (slash <= 0 || slash === resource.length - 1) return undefined
  const type = Object.hasOwn(resourceTypes, resource.slice(0, slash))
    ? resourceTypes[resource.slice(0, slash)]
    : undefined
  return type === undefined ? undefined : { type, id: resource.slice(slash + 1) }
}
