import type { Permission, TrustLevel } from "@coderclaw/protocol"
import { Result } from "effect"
import { normalizeBranch } from "../normalizeBranch.js"
import { normalizePath } from "../normalizePath.js"
import type { PathRejected } from "../PathRejected.js"
import type { PolicyRequest } from "../PolicyRequest.js"

/**
 * A request reduced to the fields decisions depend on, with paths and branch normalised and lower-cased.
 * Built by copying named fields only, so nothing else the caller's object carries can reach a policy.
 */
export interface NormalizedRequest {
  readonly principalId: string
  readonly sessionId: string
  readonly roles: ReadonlyArray<string>
  readonly trust: TrustLevel
  readonly action: Permission
  readonly resourceType: string
  readonly resourceId: string
  /** Lower-cased; `""` when the request names no repository. */
  readonly repository: string
  readonly agent: string | undefined
  readonly skill: string | undefined
  readonly branch: string | undefined
  /** Normalised, lower-cased, sorted, without duplicates. */
  readonly paths: ReadonlyArray<string>
  readonly dangerous: boolean
  /** Sorted, without duplicates. */
  readonly skillPermissions: ReadonlyArray<string>
}

const sortedUnique = (values: Iterable<string>): ReadonlyArray<string> => [...new Set(values)].sort()

/** Normalises a request, or names the path or branch that is refused. */
export const normalizeRequest = (request: PolicyRequest): Result.Result<NormalizedRequest, PathRejected> => {
  const { principal, resource } = request
  const context = request.context ?? {}
  const paths: Array<string> = []
  for (const path of context.paths ?? []) {
    const normalised = normalizePath(path)
    if (Result.isFailure(normalised)) return Result.fail(normalised.failure)
    paths.push(normalised.success.toLowerCase())
  }
  let branch: string | undefined
  if (context.branch !== undefined) {
    const normalised = normalizeBranch(context.branch)
    if (Result.isFailure(normalised)) return Result.fail(normalised.failure)
    branch = normalised.success.toLowerCase()
  }
  const repository = context.repository ?? (resource.type === "Repository" ? resource.id : undefined)
  return Result.succeed({
    principalId: String(principal.id),
    sessionId: String(principal.sessionId),
    roles: principal.roles.filter((role): role is string => typeof role === "string"),
    trust: principal.trust,
    action: request.action,
    resourceType: String(resource.type),
    resourceId: String(resource.id),
    repository: repository === undefined ? "" : repository.toLowerCase(),
    agent: context.agentId ?? (resource.type === "Agent" ? resource.id : undefined),
    skill: context.skillId ?? (resource.type === "Skill" ? resource.id : undefined),
    branch,
    paths: sortedUnique(paths),
    dangerous: context.dangerous === true,
    skillPermissions: sortedUnique(context.skillPermissions ?? [])
  })
}

/**
 * The decision-cache key: the policy version, the session and every field a decision depends on. The
 * principal's roles and trust are part of it, so a session whose trust changes never reuses an answer
 * given at the old trust.
 */
export const cacheKeyOf = (version: number, request: NormalizedRequest): string =>
  JSON.stringify([
    version,
    request.sessionId,
    request.principalId,
    request.roles,
    request.trust,
    request.action,
    request.resourceType,
    request.resourceId,
    request.repository,
    request.agent ?? null,
    request.skill ?? null,
    request.branch ?? null,
    request.paths,
    request.dangerous,
    request.skillPermissions
  ])
