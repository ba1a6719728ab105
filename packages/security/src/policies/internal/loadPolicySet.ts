import { randomUUID } from "node:crypto"
import * as Cedar from "@cedar-policy/cedar-wasm/nodejs"
import { boundaryParseOptions } from "@coderclaw/protocol"
import { Result, Schema } from "effect"
import { describeSchemaError } from "../../rbac/internal/describeSchemaError.js"
import type { RoleGateShape } from "../../rbac/RoleGate.js"
import { cedarSchema } from "../cedarSchema.js"
import { type ApprovalRules, PolicyConfig, type PolicyTestCase } from "../PolicyConfig.js"
import { PolicyLoadError } from "../PolicyLoadError.js"
import type { PolicyDecision } from "../PolicyRequest.js"
import { compilePolicies } from "./compilePolicies.js"
import { describeCedarErrors } from "./describeCedarErrors.js"
import { makeDecide } from "./makeDecide.js"
import { type NormalizedRequest, normalizeRequest } from "./normalizeRequest.js"

/** A loaded, validated and tested policy set, ready to answer. */
export interface LoadedPolicySet {
  /** The Cedar policies in force, by id. */
  readonly policies: Readonly<Record<string, string>>
  /** Who may approve a dangerous call (`approvals`), defaults applied. */
  readonly approvals: Required<ApprovalRules>
  /** The decision for a normalised request, uncached. */
  readonly decide: (request: NormalizedRequest) => PolicyDecision
  /** Releases the Cedar engine's copy of the policies; afterwards every decision is `default-deny`. */
  readonly dispose: () => void
}

const testDefaults = { sessionId: "policy-test" }

const runTest = (test: PolicyTestCase, decide: (request: NormalizedRequest) => PolicyDecision): string | undefined => {
  const normalised = normalizeRequest({
    ...test.request,
    principal: { ...testDefaults, ...test.request.principal }
  })
  const decision: PolicyDecision = Result.isFailure(normalised)
    ? { decision: "deny", requiresApproval: false, policies: ["path-rejected"], reasons: [normalised.failure.message] }
    : decide(normalised.success)
  const wrongDecision = decision.decision !== test.expect
  const wrongApproval = test.requiresApproval !== undefined && decision.requiresApproval !== test.requiresApproval
  if (!wrongDecision && !wrongApproval) return undefined
  const expected = `${test.expect}${test.requiresApproval === undefined ? "" : `, requiresApproval ${test.requiresApproval}`}`
  const got = `${decision.decision}, requiresApproval ${decision.requiresApproval}`
  return `test "${test.name}" expected ${expected} but got ${got} (policies: ${decision.policies.join(", ")}; ${decision.reasons.join("; ")})`
}

const decodeConfig = Schema.decodeUnknownResult(PolicyConfig, boundaryParseOptions)

/**
 * Decodes, compiles, validates and tests a policy configuration. On success the Cedar engine holds the
 * parsed set; nothing is kept on failure.
 */
export const loadPolicySet = (
  config: unknown,
  gate: RoleGateShape
): Result.Result<LoadedPolicySet, PolicyLoadError> => {
  const decoded = decodeConfig(config ?? {})
  if (Result.isFailure(decoded)) {
    return Result.fail(new PolicyLoadError({ reason: "InvalidConfig", details: describeSchemaError(decoded.failure) }))
  }
  const compiled = compilePolicies(decoded.success, gate.table)
  if (Result.isFailure(compiled)) return Result.fail(compiled.failure)
  const { policies } = compiled.success

  const validation = Cedar.validate({
    schema: cedarSchema,
    policies: { staticPolicies: { ...policies } },
    validationSettings: { mode: "strict" }
  })
  if (validation.type === "failure") {
    return Result.fail(
      new PolicyLoadError({ reason: "CedarValidation", details: describeCedarErrors(validation.errors) })
    )
  }
  const firstError = validation.validationErrors[0]
  if (firstError !== undefined) {
    const details = validation.validationErrors
      .filter((error) => error.policyId === firstError.policyId)
      .flatMap((error) => describeCedarErrors([error.error], policies[error.policyId]))
    return Result.fail(new PolicyLoadError({ reason: "CedarValidation", subject: firstError.policyId, details }))
  }

  // Unique even if two copies of this module share one Cedar engine (its preparsed sets are global).
  const preparsedId = `coderclaw-policies-${randomUUID()}`
  const preparsed = Cedar.preparsePolicySet(preparsedId, { staticPolicies: { ...policies } })
  if (preparsed.type === "failure") {
    return Result.fail(new PolicyLoadError({ reason: "CedarParse", details: describeCedarErrors(preparsed.errors) }))
  }
  const dispose = () => {
    Cedar.preparsePolicySet(preparsedId, { staticPolicies: {} })
  }
  const decide = makeDecide(compiled.success, gate, preparsedId)

  const tests = decoded.success.tests ?? []
  const failures = tests.flatMap((test) => {
    const failure = runTest(test, decide)
    return failure === undefined ? [] : [{ name: test.name, failure }]
  })
  if (failures.length > 0) {
    dispose()
    return Result.fail(
      new PolicyLoadError({
        reason: "TestFailed",
        subject: failures.map((failure) => failure.name).join(", "),
        details: failures.map((failure) => failure.failure)
      })
    )
  }
  const approvals = { selfApproval: decoded.success.approvals?.selfApproval ?? "forbid" } as const
  return Result.succeed({ policies, approvals, decide, dispose })
}
