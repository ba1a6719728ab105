import { Forbidden, type Principal } from "@coderclaw/protocol"
import { Context, Effect, Layer } from "effect"

/** What a caller asks to do. Mirrors the permission names of the security package. */
export type RuntimeAction =
  | "task:submit"
  | "task:read"
  | "task:cancel"
  | "task:input"
  | "agent:invoke"
  | "skill:execute"
  | "runtime:status"

/** One authorization question: may `principal` do `action` on `resource`? */
export interface AuthorizationRequest {
  readonly principal: Principal
  readonly action: RuntimeAction
  /** e.g. `task/<id>`, `agent/<id>`, `skill/<id>`. */
  readonly resource: string
}

/**
 * The runtime's authorization port, consulted on every submit, read, cancel, input, agent invocation and
 * skill call. `@coderclaw/security` implements it with RBAC and policies; `Authorizer.permissive` is the
 * default for local-only use.
 */
export interface AuthorizerShape {
  /** Succeeds when allowed; fails with `Forbidden` naming the reasons otherwise. */
  authorize(request: AuthorizationRequest): Effect.Effect<void, Forbidden>
  /**
   * The sessions whose tasks the principal may see: `undefined` for all (an operator with permission to
   * read others' tasks), otherwise a list that includes at least the principal's own session.
   */
  visibleSessions(principal: Principal): Effect.Effect<ReadonlyArray<string> | undefined>
}

/** The authorization service. */
export class Authorizer extends Context.Service<Authorizer, AuthorizerShape>()("@coderclaw/runtime/Authorizer") {
  /**
   * For local-only use: every action is allowed, and each caller sees its own session's tasks; principals
   * with the `admin` role see every session.
   */
  static readonly permissive: Layer.Layer<Authorizer> = Layer.succeed(
    Authorizer,
    Authorizer.of({
      authorize: () => Effect.void,
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
