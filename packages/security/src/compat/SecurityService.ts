import { Forbidden, type Permission, type Principal, Unauthenticated } from "@coderclaw/protocol"
import { Cause, Effect, Exit, Schema } from "effect"
import type { AuditEntry } from "../audit/AuditEntry.js"
import type { AuditFilter } from "../audit/AuditStore.js"
import type { VerifiedDevice } from "../devices/DeviceProofVerifier.js"
import { PolicyConfig, RepositoryPolicy } from "../policies/PolicyConfig.js"
import type { SecurityShape } from "../Security.js"
import type { Session } from "../sessions/Session.js"
import { unauthenticatedReason } from "../sessions/SessionRejected.js"

/** How `authenticateUser` is called: a local account, or a token from a configured provider. */
export type UserCredentials =
  | { readonly provider: "local"; readonly username: string; readonly password: string }
  | { readonly provider: "token"; readonly token: string }

/** The answer of the access checks: allowed or not, which policies decided, and whether approval is needed. */
export interface AccessDecision {
  readonly allowed: boolean
  readonly requiresApproval: boolean
  readonly policies: ReadonlyArray<string>
}

const decodePolicyConfig = Schema.decodeUnknownSync(PolicyConfig)
const decodeRepositoryPolicy = Schema.decodeUnknownSync(RepositoryPolicy)

/**
 * The security service under the method names of the original coderClaw API, for code written against it.
 * Every method is backed by the real checks of `Security`: tokens are verified cryptographically, sessions
 * expire, permissions are computed from the session's roles, and every decision is audited.
 *
 * Two behaviours of the original are refused because they were unsafe: `authenticateUser` no longer
 * accepts arbitrary credentials (only a verified local password or a verified token), and no method takes
 * a caller-supplied permission list (`createSession` with `permissions` is refused with `Forbidden`).
 */
export class SecurityService {
  readonly #security: SecurityShape
  #policies: PolicyConfig

  constructor(security: SecurityShape) {
    this.#security = security
    this.#policies = decodePolicyConfig(security.config.policies ?? {})
  }

  /** Verifies credentials and opens a session; rejects with `Unauthenticated` otherwise. */
  authenticateUser(credentials: UserCredentials): Promise<{ readonly principal: Principal; readonly token?: string }> {
    if (credentials.provider === "local") {
      return this.#run(
        Effect.map(this.#security.loginWithPassword(credentials.username, credentials.password), (login) => ({
          principal: login.principal,
          token: login.token
        }))
      )
    }
    return this.#run(
      Effect.map(
        this.#security.authenticator.authenticate({
          credentials: { type: "token", token: credentials.token },
          nonce: "compat-authenticate-user"
        }),
        (authenticated) => ({ principal: authenticated.principal })
      )
    )
  }

  /** Verifies a device's proof over `nonce` (the challenge you issued); rejects with `Unauthenticated`. */
  verifyDevice(proof: unknown, nonce: string, principalId?: string): Promise<VerifiedDevice> {
    return this.#run(
      this.#security.deviceProofs
        .verify({ proof, nonce, ...(principalId === undefined ? {} : { principalId }) })
        .pipe(Effect.mapError(() => new Unauthenticated({ reason: "device_proof_failed" })))
    )
  }

  /**
   * Opens a session from a verified token (a session token or a provider token). Caller-supplied
   * `permissions` are refused: permissions always come from the roles the server assigns.
   */
  createSession(request: {
    readonly token: string
    readonly permissions?: ReadonlyArray<string>
  }): Promise<{ readonly principal: Principal }> {
    if (request.permissions !== undefined) {
      return Promise.reject(
        new Forbidden({ action: "session:create", reasons: ["caller-supplied-permissions-refused"] })
      )
    }
    return this.authenticateUser({ provider: "token", token: request.token })
  }

  /** Whether the session (live, not revoked) may use `permission`. */
  checkPermission(sessionId: string, permission: Permission): Promise<boolean> {
    return this.#run(
      Effect.map(this.#session(sessionId), (session) => this.#security.gate.allows(session.roles, permission))
    )
  }

  /** Every permission the session's roles grant (`admin:all` expanded). */
  getEffectivePermissions(sessionId: string): Promise<ReadonlyArray<Permission>> {
    return this.#run(
      Effect.map(this.#session(sessionId), (session) => [...this.#security.gate.permissionsOf(session.roles)].sort())
    )
  }

  /** Whether the session may submit tasks to `agentId`, by RBAC and agent/repository policies. */
  checkAgentAccess(sessionId: string, agentId: string): Promise<AccessDecision> {
    return this.#decide(sessionId, "task:submit", `agent/${agentId}`, { agentId })
  }

  /** Whether the session may run `skillId` (and whether a person must approve first). */
  checkSkillAccess(
    sessionId: string,
    skillId: string,
    context: {
      readonly agentId?: string
      readonly dangerous?: boolean
      readonly repository?: string
      readonly paths?: ReadonlyArray<string>
      readonly branch?: string
    } = {}
  ): Promise<AccessDecision> {
    return this.#decide(sessionId, "skill:execute", `skill/${skillId}`, { ...context, skillId })
  }

  /** The repository policies in force for `repository` (exact id or a matching `*` pattern). */
  getRepoPolicy(repository: string): ReadonlyArray<RepositoryPolicy> {
    const matches = (selector: string) =>
      new RegExp(`^${selector.split("*").map(escapeRegExp).join(".*")}$`, "i").test(repository)
    return (this.#policies.repositories ?? []).filter((policy) => matches(policy.repository))
  }

  /**
   * Adds or replaces (by `id`) a repository policy. Needs `config:write`; the whole policy set, with its
   * embedded tests, is validated before it takes effect, and the change is audited.
   */
  setRepoPolicy(sessionId: string, policy: unknown): Promise<number> {
    const security = this.#security
    const self = this
    return this.#run(
      Effect.gen(function* () {
        const session = yield* self.#session(sessionId)
        if (!security.gate.allows(session.roles, "config:write")) {
          return yield* new Forbidden({ action: "config:write", resource: "policies", reasons: ["role-gate"] })
        }
        const decoded = yield* Effect.try({
          try: () => decodeRepositoryPolicy(policy, { onExcessProperty: "error" }),
          catch: (error) => new Forbidden({ action: "config:write", resource: "policies", reasons: [String(error)] })
        })
        const next: PolicyConfig = {
          ...self.#policies,
          repositories: [...(self.#policies.repositories ?? []).filter((each) => each.id !== decoded.id), decoded]
        }
        const version = yield* security.policies
          .replace(next)
          .pipe(
            Effect.mapError(
              (error) => new Forbidden({ action: "config:write", resource: "policies", reasons: [error.message] })
            )
          )
        self.#policies = next
        yield* security.audit
          .record({
            actor: session.principalId,
            session: session.id,
            action: "policy.set",
            resource: `repository/${decoded.repository}`,
            decision: "success",
            reasons: [decoded.id],
            details: { version }
          })
          .pipe(Effect.ignore)
        return version
      })
    )
  }

  /** Audit entries matching `filter`, newest first; needs `audit:read`. */
  audit(sessionId: string, filter: AuditFilter = {}): Promise<ReadonlyArray<AuditEntry>> {
    const security = this.#security
    return this.#run(
      Effect.gen(function* () {
        const session = yield* security.sessions
          .validate(sessionId)
          .pipe(Effect.mapError((rejected) => new Unauthenticated({ reason: unauthenticatedReason(rejected.reason) })))
        const caller = { principalId: session.principalId, permissions: security.gate.permissionsOf(session.roles) }
        const page = yield* security.audit
          .query(caller, filter)
          .pipe(Effect.mapError((error) => new Forbidden({ action: "audit:read", reasons: [error.reason] })))
        return page.items
      })
    )
  }

  #session(sessionId: string): Effect.Effect<Session, Unauthenticated> {
    return this.#security.sessions
      .validate(sessionId)
      .pipe(Effect.mapError((rejected) => new Unauthenticated({ reason: unauthenticatedReason(rejected.reason) })))
  }

  #decide(
    sessionId: string,
    action: Permission,
    resource: string,
    context: Record<string, unknown>
  ): Promise<AccessDecision> {
    const security = this.#security
    const self = this
    return this.#run(
      Effect.gen(function* () {
        const session = yield* self.#session(sessionId)
        const principal = security.sessions.toPrincipal(session)
        const decided = yield* Effect.exit(security.authorizer.authorize({ principal, action, resource, context }))
        return Exit.isSuccess(decided)
          ? { allowed: true, requiresApproval: decided.value.requiresApproval, policies: decided.value.policies }
          : {
              allowed: false,
              requiresApproval: false,
              policies: decided.cause.reasons.flatMap((reason) =>
                reason._tag === "Fail" ? reason.error.reasons : ["error"]
              )
            }
      })
    )
  }

  /** Runs at the edge, rejecting with the typed error itself (not a wrapper), as the transports do. */
  async #run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
    const exit = await Effect.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
