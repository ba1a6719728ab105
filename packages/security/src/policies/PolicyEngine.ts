import { Context, Effect, Layer, Result, type Scope } from "effect"
import { RoleGate, type RoleGateShape } from "../rbac/RoleGate.js"
import { DecisionCache, type DecisionCacheStats } from "./DecisionCache.js"
import { type LoadedPolicySet, loadPolicySet } from "./internal/loadPolicySet.js"
import { cacheKeyOf, normalizeRequest } from "./internal/normalizeRequest.js"
import type { PathRejected } from "./PathRejected.js"
import type { ApprovalRules } from "./PolicyConfig.js"
import type { PolicyLoadError } from "./PolicyLoadError.js"
import type { PolicyDecision, PolicyRequest } from "./PolicyRequest.js"

/**
 * Decides requests against the role table and the policy set. The exact rule:
 *
 *   allow ⇔ RBAC grants the action (some role of the principal holds the permission)
 *         ∧ no `forbid` policy applies
 *         ∧ some `permit` applies
 *
 * The role gate is checked first; when it refuses, Cedar is not consulted and the decision is
 * `default-deny`. Cedar then holds one `permit` per role (`role:<name>`, mirroring RBAC, so a permit
 * applies exactly when RBAC granted) and every restriction as a `forbid`: deny overrides allow, so an
 * explicit `forbid` binds `admin` too, and with no permit Cedar denies by default. Hand-written Cedar
 * `permit`s therefore cannot widen what RBAC grants; hand-written `forbid`s narrow it. Any Cedar
 * evaluation error denies. Approval is decided after an `allow` for `skill:execute`: required when a
 * skill policy says `requireApproval: true`, or when the skill is dangerous and neither a matching skill
 * policy nor `dangerousSkills.requireApproval` says `false`.
 */
export interface PolicyEngineShape {
  /**
   * The decision for a request, from the cache when the same session asked the same question under the
   * same policy version. Fails with `PathRejected` when a path or branch is hostile or malformed.
   */
  decide(request: PolicyRequest): Effect.Effect<PolicyDecision, PathRejected>
  /** `decide` as a plain function, for hot paths that are not inside an Effect. */
  decideSync(request: PolicyRequest): Result.Result<PolicyDecision, PathRejected>
  /**
   * Loads, validates and tests a new configuration and, if all of it passes, puts it in force, bumps the
   * version and empties the cache. On failure the current set stays in force. Returns the new version.
   */
  replace(config: unknown): Effect.Effect<number, PolicyLoadError>
  /** The version of the set in force: 1 for the initial set, +1 per replacement. */
  readonly version: Effect.Effect<number>
  /** Who may approve a dangerous call under the set in force (`approvals`, defaults applied). */
  readonly approvals: Effect.Effect<Required<ApprovalRules>>
  /** The Cedar policies in force, by id, to show or audit what was generated. */
  readonly cedarPolicies: Effect.Effect<Readonly<Record<string, string>>>
  /** Drops the cached decisions of a session (call when it ends or is revoked). */
  forgetSession(sessionId: string): Effect.Effect<void>
  readonly cacheStats: Effect.Effect<DecisionCacheStats>
}

/** How to build a policy engine. */
export interface PolicyEngineOptions {
  /** The role gate (and, through it, the role table) the policies are checked against. */
  readonly gate: RoleGateShape
  /** The `policies` configuration section (plain data, e.g. parsed from `security.yaml`). */
  readonly config: unknown
  /** The most decisions cached across all sessions. Default 10,000; 0 disables the cache. */
  readonly cacheSize?: number | undefined
}

/**
 * Builds a policy engine from a configuration, refusing it with `PolicyLoadError` when it does not
 * decode, compile, validate or pass its own tests. The Cedar engine's copy of the policies is released
 * when the scope closes.
 */
export const makePolicyEngine = (
  options: PolicyEngineOptions
): Effect.Effect<PolicyEngineShape, PolicyLoadError, Scope.Scope> =>
  Effect.gen(function* () {
    const { gate } = options
    let current: LoadedPolicySet = yield* Effect.fromResult(loadPolicySet(options.config, gate))
    let version = 1
    const cache = new DecisionCache(options.cacheSize ?? 10_000)
    yield* Effect.addFinalizer(() => Effect.sync(() => current.dispose()))

    const decideSync = (request: PolicyRequest): Result.Result<PolicyDecision, PathRejected> => {
      const normalised = normalizeRequest(request)
      if (Result.isFailure(normalised)) return Result.fail(normalised.failure)
      const key = cacheKeyOf(version, normalised.success)
      const cached = cache.get(key)
      if (cached !== undefined) return Result.succeed(cached)
      const decision = current.decide(normalised.success)
      cache.set(key, normalised.success.sessionId, decision)
      return Result.succeed(decision)
    }

    return {
      decide: (request) => Effect.suspend(() => Effect.fromResult(decideSync(request))),
      decideSync,
      replace: (config) =>
        Effect.suspend(() => {
          const loaded = loadPolicySet(config, gate)
          if (Result.isFailure(loaded)) return Effect.fail(loaded.failure)
          const previous = current
          current = loaded.success
          version += 1
          cache.clear()
          previous.dispose()
          return Effect.succeed(version)
        }),
      version: Effect.sync(() => version),
      approvals: Effect.sync(() => current.approvals),
      cedarPolicies: Effect.sync(() => current.policies),
      forgetSession: (sessionId) => Effect.sync(() => cache.forgetSession(sessionId)),
      cacheStats: Effect.sync(() => cache.stats)
    } satisfies PolicyEngineShape
  })

/**
 * Checks a configuration without putting it in force (decode, compile, Cedar validation, embedded
 * tests), e.g. for a `validate` command. Returns the Cedar policies it would generate.
 */
export const checkPolicyConfig = (
  config: unknown,
  gate: RoleGateShape
): Effect.Effect<Readonly<Record<string, string>>, PolicyLoadError> =>
  Effect.suspend(() => {
    const loaded = loadPolicySet(config, gate)
    if (Result.isFailure(loaded)) return Effect.fail(loaded.failure)
    loaded.success.dispose()
    return Effect.succeed(loaded.success.policies)
  })

/** The policy engine as a service. */
export class PolicyEngine extends Context.Service<PolicyEngine, PolicyEngineShape>()(
  "@coderclaw/security/PolicyEngine"
) {
  /** An engine over `config`, checked against the `RoleGate` service's roles. */
  static readonly layer = (
    config: unknown,
    options?: { readonly cacheSize?: number | undefined }
  ): Layer.Layer<PolicyEngine, PolicyLoadError, RoleGate> =>
    Layer.effect(
      PolicyEngine,
      Effect.gen(function* () {
        const gate = yield* RoleGate
        return PolicyEngine.of(yield* makePolicyEngine({ gate, config, cacheSize: options?.cacheSize }))
      })
    )
}
