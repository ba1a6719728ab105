import { Effect, Result, Schema } from "effect"
import { type Identity, principalIdOf } from "./Identity.js"
import type { IdentityVerifier } from "./IdentityVerifier.js"
import type { InvalidVerifierConfig } from "./InvalidVerifierConfig.js"
import { makeClaimsDecoder } from "./internal/decodeClaims.js"
import { makeConfigDecoder } from "./internal/decodeConfig.js"
import { displayNameFrom, namespaceFor, subjectFor } from "./internal/identityParts.js"
import { JwksSource } from "./JwksSource.js"
import { jwtPolicyFields, makeJwtVerifier, OneOrMore, type VerifiedJwt } from "./JwtVerifier.js"
import { TokenRejected } from "./TokenRejected.js"

/** The issuer of GitHub-hosted Actions OIDC tokens. */
export const githubActionsIssuer = "https://token.actions.githubusercontent.com"

/** Where GitHub publishes the keys that sign Actions OIDC tokens. */
export const githubActionsJwksUrl = "https://token.actions.githubusercontent.com/.well-known/jwks"

/** The events accepted when a configuration names none: runs started by pushes, people or schedules. */
export const defaultGithubActionsEvents: ReadonlyArray<string> = ["push", "workflow_dispatch", "schedule"]

/** GitHub's numeric ids, sent as decimal strings in Actions tokens. */
const NumericId = Schema.String.pipe(Schema.check(Schema.isPattern(/^[0-9]{1,20}$/)))

/**
 * An allow-list entry: an exact value, or a prefix followed by a single trailing `*` (e.g.
 * `refs/tags/v*`, `octo/app/.github/workflows/release.yml@*`). No other wildcard exists, and a bare `*`
 * is refused: every entry pins something. End the prefix with a separator (`refs/heads/release/*`)
 * unless you mean `refs/heads/main*` to match `refs/heads/main-anything`.
 */
const AllowPattern = Schema.String.pipe(Schema.check(Schema.isPattern(/^[^*]+\*?$/)))
const AllowList = Schema.Array(AllowPattern).pipe(Schema.check(Schema.isMinLength(1)))
const NonEmptyList = Schema.Array(Schema.String.pipe(Schema.check(Schema.isMinLength(1)))).pipe(
  Schema.check(Schema.isMinLength(1))
)
const RoleName = Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(64)))

/**
 * Configuration of the GitHub Actions OIDC verifier. Everything that identifies the repository is a
 * numeric id, so a renamed or transferred-and-recreated repository with the same name is refused:
 *
 * - `audience`: the custom audience your workflow requests (`core.getIDToken(audience)`).
 * - `repositoryId`, `repositoryOwnerId`: the pinned `repository_id` / `repository_owner_id`.
 * - `refs`: allowed `ref` values (e.g. `refs/heads/main`, `refs/tags/v*`).
 * - `workflows`: allowed values of `workflowClaim` — by default `job_workflow_ref`, the workflow file
 *   that runs the job (for a reusable workflow, the called one), e.g.
 *   `octo/app/.github/workflows/deploy.yml@refs/heads/main`; set `workflowClaim: "workflow_ref"` to pin
 *   the top-level workflow instead.
 * - `events`: allowed `event_name` values (default `defaultGithubActionsEvents`). `pull_request` and
 *   `pull_request_target` are accepted only when listed; `pull_request_target` runs with the base
 *   repository's permissions, so list it only for workflows that never run the pull request's code.
 * - `environments`: when set, the job must run in one of these deployment environments.
 * - `roles`: the roles of the identity (default `["ci"]`).
 * - `issuer`, `jwks`: default to GitHub's; override for GitHub Enterprise Server or tests.
 * - the shared JWT settings; `algorithms` defaults to `["RS256"]`, the algorithm GitHub uses.
 */
export const GithubActionsVerifierConfig = Schema.Struct({
  audience: OneOrMore,
  repositoryId: NumericId,
  repositoryOwnerId: NumericId,
  refs: AllowList,
  workflows: AllowList,
  workflowClaim: Schema.optionalKey(Schema.Literals(["job_workflow_ref", "workflow_ref"])),
  events: Schema.optionalKey(NonEmptyList),
  environments: Schema.optionalKey(NonEmptyList),
  roles: Schema.optionalKey(Schema.Array(RoleName)),
  issuer: Schema.optionalKey(OneOrMore),
  jwks: Schema.optionalKey(JwksSource),
  ...jwtPolicyFields
})
export type GithubActionsVerifierConfig = typeof GithubActionsVerifierConfig.Type

/** `GithubActionsVerifierConfig` plus `now` (ms since the epoch; defaults to Effect's `Clock`). */
export type GithubActionsVerifierOptions = GithubActionsVerifierConfig & { readonly now?: () => number }

const OptionalString = Schema.optionalKey(Schema.String)

const GithubActionsClaims = Schema.Struct({
  repository: Schema.String,
  repository_id: NumericId,
  repository_owner: Schema.String,
  repository_owner_id: NumericId,
  ref: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  event_name: Schema.String,
  job_workflow_ref: OptionalString,
  workflow_ref: OptionalString,
  environment: OptionalString,
  sha: OptionalString,
  run_id: OptionalString,
  actor: OptionalString,
  // Not among GitHub's documented claims; honoured when present (see the fork check below).
  head_repository: OptionalString,
  head_repository_id: Schema.optionalKey(NumericId)
})
type GithubActionsClaims = typeof GithubActionsClaims.Type

const pullRequestEvents = new Set(["pull_request", "pull_request_target"])

const matches = (patterns: ReadonlyArray<string>, value: string): boolean =>
  patterns.some((pattern) => (pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern))

const decodeGithubActionsConfig = makeConfigDecoder("github-actions", GithubActionsVerifierConfig)

const refuse = (claim: string, detail: string): Effect.Effect<never, TokenRejected> =>
  Effect.fail(new TokenRejected({ provider: "github-actions", reason: "ClaimNotAllowed", claim, detail }))

/**
 * Builds a verifier for GitHub Actions OIDC tokens. The checks, in order: signature and registered
 * claims; `repository_owner_id` and `repository_id` equal the pinned ids; `event_name` allowed; for
 * pull-request events, no sign of a fork (a `head_repository`/`head_repository_id` claim, when present,
 * must equal `repository`/`repository_id`); `ref`, the workflow claim and (if configured) `environment`
 * in their allow-lists. Every refusal names the claim.
 *
 * The identity: provider `github-actions`, subject `repo:<repository_id>:ref:<ref>` (numeric id, so a
 * rename keeps the principal, and the ref, so `main` and a release tag are distinct principals;
 * `principalId` = `github-actions:repo:<id>:ref:<ref>`, or `github-actions:iss.<digest>:repo:…` for
 * tokens of another issuer than github.com's), roles from `roles` (default `ci`), and the
 * repository, ids, ref, event, workflow, environment, sha, run id and actor as attributes for policies
 * and audit.
 */
export const makeGithubActionsVerifier = (
  options: GithubActionsVerifierOptions
): Effect.Effect<IdentityVerifier, InvalidVerifierConfig> =>
  Effect.gen(function* () {
    const { now, ...input } = options
    const config = yield* decodeGithubActionsConfig(input)
    const workflowClaim = config.workflowClaim ?? "job_workflow_ref"
    const events = new Set(config.events ?? defaultGithubActionsEvents)
    const roles = [...new Set(config.roles ?? ["ci"])]
    const jwt = yield* makeJwtVerifier(
      "github-actions",
      {
        issuer: config.issuer ?? githubActionsIssuer,
        audience: config.audience,
        jwks: config.jwks ?? { url: githubActionsJwksUrl },
        algorithms: config.algorithms ?? ["RS256"],
        ...(config.clockSkewSeconds === undefined ? {} : { clockSkewSeconds: config.clockSkewSeconds }),
        ...(config.maxTokenLength === undefined ? {} : { maxTokenLength: config.maxTokenLength }),
        ...(config.maxTokenAgeSeconds === undefined ? {} : { maxTokenAgeSeconds: config.maxTokenAgeSeconds })
      },
      now === undefined ? {} : { now }
    )
    const decodeClaims = makeClaimsDecoder("github-actions", GithubActionsClaims, [
      "repository",
      "repository_id",
      "repository_owner",
      "repository_owner_id",
      "ref",
      "event_name",
      workflowClaim
    ])

    const check = (claims: GithubActionsClaims): Effect.Effect<void, TokenRejected> => {
      if (claims.repository_owner_id !== config.repositoryOwnerId) {
        return refuse("repository_owner_id", "the repository owner is not the pinned one")
      }
      if (claims.repository_id !== config.repositoryId) {
        return refuse("repository_id", "the repository is not the pinned one")
      }
      if (!events.has(claims.event_name)) return refuse("event_name", "the triggering event is not allowed")
      if (pullRequestEvents.has(claims.event_name)) {
        if (claims.head_repository !== undefined && claims.head_repository !== claims.repository) {
          return refuse("head_repository", "pull requests from forks are refused")
        }
        if (claims.head_repository_id !== undefined && claims.head_repository_id !== claims.repository_id) {
          return refuse("head_repository_id", "pull requests from forks are refused")
        }
      }
      if (!matches(config.refs, claims.ref)) return refuse("ref", "the ref is not allowed")
      const workflow = claims[workflowClaim] ?? ""
      if (!matches(config.workflows, workflow)) return refuse(workflowClaim, "the workflow is not allowed")
      if (config.environments !== undefined) {
        if (claims.environment === undefined) {
          return Effect.fail(
            new TokenRejected({
              provider: "github-actions",
              reason: "MissingClaim",
              claim: "environment",
              detail: "the job must run in a deployment environment"
            })
          )
        }
        if (!config.environments.includes(claims.environment)) {
          return refuse("environment", "the deployment environment is not allowed")
        }
      }
      return Effect.void
    }

    // Repository ids are unique per GitHub instance only: tokens of another issuer (GitHub Enterprise
    // Server) get that issuer's namespace, so its repository 42 is not github.com's repository 42.
    const toIdentity = (claims: GithubActionsClaims, issuer: string): Identity => {
      const namespace = issuer === githubActionsIssuer ? undefined : namespaceFor(undefined, issuer)
      const subject = subjectFor("github-actions", `repo:${claims.repository_id}:ref:${claims.ref}`, namespace)
      const displayName = displayNameFrom(`${claims.repository}@${claims.ref}`, claims.repository)
      const optional = { sha: claims.sha, run_id: claims.run_id, actor: claims.actor, environment: claims.environment }
      const attributes: Record<string, string> = {
        repository: claims.repository,
        repository_id: claims.repository_id,
        repository_owner: claims.repository_owner,
        repository_owner_id: claims.repository_owner_id,
        ref: claims.ref,
        event_name: claims.event_name,
        workflow: claims[workflowClaim] ?? ""
      }
      for (const [key, value] of Object.entries(optional)) if (value !== undefined) attributes[key] = value
      return {
        provider: "github-actions",
        subject,
        principalId: principalIdOf("github-actions", subject, namespace),
        ...(displayName === undefined ? {} : { displayName }),
        roles,
        attributes
      }
    }

    const fromVerified = (verified: VerifiedJwt): Effect.Effect<Identity, TokenRejected> => {
      const decoded = decodeClaims(verified.claims)
      if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
      const claims = decoded.success
      const issuer = typeof verified.claims.iss === "string" ? verified.claims.iss : githubActionsIssuer
      return Effect.as(check(claims), toIdentity(claims, issuer))
    }

    return {
      provider: "github-actions",
      verify: (token: string) => Effect.flatMap(jwt.verify(token), fromVerified)
    } satisfies IdentityVerifier
  })
