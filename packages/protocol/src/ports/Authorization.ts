import type { Effect } from "effect"
import type { PrincipalId, SessionId } from "../Ids.js"
import type { Permission } from "../Permission.js"
import type { Principal } from "../Principal.js"
import type { Forbidden } from "../RuntimeError.js"

/**
 * What the runtime knows about the object of a request, so that policies can decide on it: whose task it
 * is, which agent or skill is involved, and which repository, paths and branch the work touches.
 */
export interface AuthorizationContext {
  /** The owner of the task acted on. */
  readonly taskOwner?: PrincipalId
  /** The session the task acted on belongs to. */
  readonly taskSession?: SessionId
  readonly agentId?: string
  readonly skillId?: string
  /** The skill is declared dangerous. */
  readonly dangerous?: boolean
  /** The permissions the skill declares it needs. */
  readonly skillPermissions?: ReadonlyArray<string>
  /** A repository identifier (e.g. `github.com/acme/app` or a local path name). */
  readonly repository?: string
  /** Repository-relative paths the action touches. */
  readonly paths?: ReadonlyArray<string>
  readonly branch?: string
  /**
   * Set when the request approves a dangerous call a task waits for: the principal whose call asked for
   * the approval. Authorizers enforce separation of duties with it (an approval comes from someone else).
   */
  readonly approvalRequestedBy?: PrincipalId
  /**
   * Set when the action runs on a remote worker (a skill call of a worker-hosted agent): which worker,
   * connected as which principal from which device. Recorded in the audit entry of the decision.
   */
  readonly hostedBy?: { readonly workerId: string; readonly principalId: PrincipalId; readonly deviceId?: string }
  /** Correlates the decision with the request that caused it (audit). */
  readonly requestId?: string
}

/** One authorization question: may `principal` do `action` on `resource`? */
export interface AuthorizationRequest {
  readonly principal: Principal
  readonly action: Permission
  /** e.g. `task/<id>`, `agent/<id>`, `skill/<id>`, `method/<wire method>`. */
  readonly resource: string
  readonly context?: AuthorizationContext
}

/** A positive decision, with what it still requires and which rules decided it. */
export interface AuthorizationGrant {
  /** A person must approve before the action runs (dangerous skills, by policy). */
  readonly requiresApproval: boolean
  /** The ids of the rules or policies that allowed it. */
  readonly policies: ReadonlyArray<string>
}

/**
 * The authorization port the runtime and remote transports consult on every call: submit, read, cancel,
 * input, approval, agent invocation, skill call, wire method. `@coderclaw/security` implements it with
 * RBAC and policies; the runtime has a permissive default for local-only use.
 */
export interface AuthorizerShape {
  /** Succeeds with a grant when allowed; fails with `Forbidden` naming the reasons otherwise. */
  authorize(request: AuthorizationRequest): Effect.Effect<AuthorizationGrant, Forbidden>
  /**
   * The sessions whose tasks the principal may see: `undefined` for all (an operator with permission to
   * read others' tasks), otherwise a list that includes at least the principal's own session.
   */
  visibleSessions(principal: Principal): Effect.Effect<ReadonlyArray<string> | undefined>
}

/** The grant of an authorizer that allows without conditions. */
export const unconditionalGrant: AuthorizationGrant = { requiresApproval: false, policies: [] }
