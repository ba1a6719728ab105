import {
  type AuthorizationGrant,
  type AuthorizationRequest,
  type AuthorizerShape,
  Forbidden,
  type Principal
} from "@coderclaw/protocol"
import { Effect } from "effect"
import type { AuditLogShape } from "../audit/AuditLog.js"
import { reasonCode } from "../internal/reasonWords.js"
import type { PolicyEngineShape } from "../policies/PolicyEngine.js"
import { type PolicyResource, parseResource } from "../policies/PolicyRequest.js"
import { checkOwnership } from "../rbac/checkOwnership.js"
import { checkSeparationOfDuties } from "../rbac/checkSeparationOfDuties.js"
import type { RoleGateShape } from "../rbac/RoleGate.js"
import type { RepositoryConstraintsShape } from "../repository/RepositoryConstraints.js"
import type { Session } from "../sessions/Session.js"
import type { SessionsShape } from "../sessions/Sessions.js"
import { scopeAllows } from "../sessions/scopeAllows.js"

/** What the authorizer is built from. */
export interface SecurityAuthorizerParts {
  readonly sessions: SessionsShape
  readonly gate: RoleGateShape
  readonly policies: PolicyEngineShape
  readonly audit: AuditLogShape
  /** The served repositories' own policies (`.coderclaw/policy.yaml`), which narrow what the policies allow. */
  readonly repositories?: RepositoryConstraintsShape | undefined
}

// Resources the runtime names without an id (`tasks` for listing, `runtime` for status) are checked as a
// method of the same name, so policies can still speak of them.
const resourceOf = (resource: string): PolicyResource => parseResource(resource) ?? { type: "Method", id: resource }

const skillOf = (resource: string): string | undefined => {
  const parsed = parseResource(resource)
  return parsed?.type === "Skill" ? parsed.id : undefined
}

/**
 * The `AuthorizerShape` of `@coderclaw/security`, consulted by the runtime and the WebSocket server on every
 * call. For each request:
 *
 * 1. The principal's session is looked up in the server's store: it must exist, belong to the principal,
 *    and be neither expired nor revoked. Roles come from that session only; the roles a `Principal`
 *    object carries are ignored, so nothing a caller sends can add a role or permission.
 * 2. Acting on someone else's task needs the `…:any` permission (`checkOwnership`); approving a call of
 *    one's own task is refused unless the policies allow self-approval (`checkSeparationOfDuties`).
 * 3. The policy engine decides: role gate, then Cedar (agent, skill and repository policies; deny
 *    overrides allow; default deny), with hostile paths and branches refused before evaluation.
 * 4. An allowed request about work in a served repository is narrowed by that repository's own
 *    `.coderclaw/policy.yaml` (`RepositoryConstraintsShape`): refused, or made to wait for approval, and
 *    named `.coderclaw/policy.yaml#<rule>` in the decision. It can never allow what step 3 refused.
 * 5. The decision and the policies that decided it are an `authz.decide` audit entry.
 */
export const makeSecurityAuthorizer = (parts: SecurityAuthorizerParts): AuthorizerShape => {
  const { sessions, gate, policies, audit, repositories } = parts

  const record = (
    request: AuthorizationRequest,
    permission: string,
    allowed: boolean,
    reasons: ReadonlyArray<string>
  ) =>
    audit
      .record({
        actor: request.principal.id,
        device: request.principal.deviceId,
        session: request.principal.sessionId,
        action: "authz.decide",
        resource: request.resource,
        decision: allowed ? "allow" : "deny",
        reasons,
        requestId: request.context?.requestId,
        details: {
          permission,
          trust: request.principal.trust,
          // A call run on a remote worker names the worker and the device it connected from.
          workerId: request.context?.hostedBy?.workerId,
          workerPrincipal: request.context?.hostedBy?.principalId,
          workerDevice: request.context?.hostedBy?.deviceId
        }
      })
      .pipe(Effect.ignore)

  const deny = (request: AuthorizationRequest, permission: string, reasons: ReadonlyArray<string>) =>
    record(request, permission, false, reasons).pipe(
      Effect.andThen(
        Effect.fail(new Forbidden({ action: request.action, resource: request.resource, reasons: [...reasons] }))
      )
    )

  /** The principal's live session (cached; revocations seen at once), or why it cannot act. */
  const sessionOf = (principal: Principal): Effect.Effect<Session, ReadonlyArray<string>> =>
    sessions.check(principal.sessionId).pipe(
      Effect.mapError((rejected) => [`session:${reasonCode(rejected.reason)}`]),
      Effect.filterOrFail(
        (session) => session.principalId === principal.id,
        () => ["session:not-this-principal"]
      )
    )

  // Defined once (every call is on a task's path): an `Effect.gen` per call makes a generator function each time.
  const authorize: (request: AuthorizationRequest) => Effect.Effect<AuthorizationGrant, Forbidden> = Effect.fnUntraced(
    function* (request: AuthorizationRequest) {
      const { principal, context } = request
      const session = yield* Effect.result(sessionOf(principal))
      if (session._tag === "Failure") return yield* deny(request, request.action, session.failure)
      if (context?.approvalRequestedBy !== undefined) {
        const refused = checkSeparationOfDuties(request, yield* policies.approvals)
        if (refused !== undefined) return yield* deny(request, request.action, refused)
      }
      const permission =
        context?.taskOwner !== undefined || context?.taskSession !== undefined
          ? checkOwnership(
              request.action,
              { principalId: principal.id, sessionId: principal.sessionId },
              { taskOwner: context.taskOwner, taskSession: context.taskSession }
            )
          : request.action
      // Scopes narrow what the roles grant: the session's (asked for at login) and the connection's.
      const narrowedOut = [session.success.scopes.length === 0 ? undefined : session.success.scopes, principal.scopes]
        .filter((scopes) => scopes !== undefined)
        .some((scopes) => !scopeAllows(scopes, permission))
      if (narrowedOut) return yield* deny(request, permission, [`scope:${permission}-not-granted`])
      const decided = yield* Effect.result(
        policies.decide({
          principal: {
            id: principal.id,
            roles: session.success.roles,
            trust: principal.trust,
            sessionId: principal.sessionId
          },
          action: permission,
          resource: resourceOf(request.resource),
          context: {
            repository: context?.repository,
            paths: context?.paths,
            branch: context?.branch,
            agentId: context?.agentId,
            skillId: context?.skillId,
            dangerous: context?.dangerous,
            skillPermissions: context?.skillPermissions
          }
        })
      )
      if (decided._tag === "Failure")
        return yield* deny(request, permission, [`path-rejected:${reasonCode(decided.failure.reason)}`])
      const decision = decided.success
      if (decision.decision === "deny") return yield* deny(request, permission, decision.policies)
      const narrowed =
        repositories === undefined
          ? undefined
          : yield* repositories.narrow(context?.repository, {
              action: permission,
              trust: principal.trust,
              skillId: context?.skillId ?? skillOf(request.resource),
              paths: context?.paths
            })
      if (narrowed?._tag === "Deny") return yield* deny(request, permission, narrowed.reasons)
      const grant = {
        requiresApproval: decision.requiresApproval || narrowed?.requiresApproval === true,
        policies: [...decision.policies, ...(narrowed?.policies ?? [])]
      }
      yield* record(request, permission, true, grant.policies)
      return grant
    }
  )

  return {
    authorize,
    visibleSessions: (principal) =>
      Effect.gen(function* () {
        const session = yield* Effect.result(sessionOf(principal))
        if (session._tag === "Failure") return [principal.sessionId]
        const scoped = [session.success.scopes.length === 0 ? undefined : session.success.scopes, principal.scopes]
        if (
          gate.allows(session.success.roles, "task:read:any") &&
          scoped.every((scopes) => scopeAllows(scopes, "task:read:any"))
        )
          return undefined
        // Ownership follows the principal: a user sees the tasks of all of their own live sessions.
        const own = yield* sessions
          .listFor(principal.id, { includeInactive: true })
          .pipe(Effect.orElseSucceed(() => [] as ReadonlyArray<Session>))
        return [...new Set([principal.sessionId, ...own.map((each) => each.id)])]
      })
  }
}
