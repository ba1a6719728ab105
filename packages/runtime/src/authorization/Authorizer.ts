import {
  type AuthorizationContext,
  type AuthorizationGrant,
  type AuthorizationRequest,
  type AuthorizerShape,
  Forbidden,
  type Permission,
  unconditionalGrant
} from "@coderclaw/protocol"
import { Context, Effect, Layer } from "effect"

/**
 * What a caller asks to do: a permission name. Kept as an alias for code written before the permission
 * set moved to `@coderclaw/protocol`.
 */
export type RuntimeAction = Permission

export type { AuthorizationContext, AuthorizationGrant, AuthorizationRequest, AuthorizerShape }

const approvalOfDangerousSkills: AuthorizationGrant = {
  requiresApproval: true,
  policies: ["permissive:dangerous-skill"]
}

/** The permissive authorizer's decision: allowed, with approval for dangerous skills. */
export const permissiveGrant = (request: AuthorizationRequest): AuthorizationGrant =>
  request.action === "skill:execute" && request.context?.dangerous === true
    ? approvalOfDangerousSkills
    : unconditionalGrant

/** The authorization service. */
export class Authorizer extends Context.Service<Authorizer, AuthorizerShape>()("@coderclaw/runtime/Authorizer") {
  /**
   * For local-only use: every action is allowed, except that a skill declared `dangerous` waits for a
   * person's approval (`resolveApproval`) before it runs; each caller sees its own session's tasks, and
   * principals with the `admin` role see every session.
   */
  static readonly permissive: Layer.Layer<Authorizer> = Layer.succeed(
    Authorizer,
    Authorizer.of({
      authorize: (request) => Effect.succeed(permissiveGrant(request)),
      visibleSessions: (principal) =>
        Effect.succeed(principal.roles.includes("admin") ? undefined : [principal.sessionId])
    })
  )

  /** Refuses every action: a safe default for a runtime that must be configured before use. */
  static readonly denyAll: Layer.Layer<Authorizer> = Layer.succeed(
    Authorizer,
    Authorizer.of({
      authorize: ({ action, resource }) => Effect.fail(new Forbidden({ action, resource, reasons: ["default-deny"] })),
      visibleSessions: (principal) => Effect.succeed([principal.sessionId])
    })
  )
}
