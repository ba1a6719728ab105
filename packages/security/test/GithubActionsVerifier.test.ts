import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { JWTPayload } from "jose"
import { beforeAll, describe, expect, it } from "vitest"
import {
  type GithubActionsVerifierOptions,
  githubActionsIssuer,
  makeGithubActionsVerifier
} from "../src/identity/GithubActionsVerifier.js"
import { expectRejected, failureOf, jwksOf, makeKey, now, sign, type TestKey, timely } from "./support/jwtFixtures.js"

const ISS = "https://token.actions.example.test"
/** A test issuer is not github.com's, so its principals carry its namespace. */
const NS = `iss.${createHash("sha256").update(ISS).digest("hex").slice(0, 24)}`
const AUD = "coderclaw-ci"
const REPO_ID = "74"
const OWNER_ID = "65"
const WORKFLOW = "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main"

let github: TestKey

const claims = (extra: Record<string, unknown> = {}): JWTPayload =>
  ({
    ...timely(ISS, AUD),
    jti: "example-id",
    sub: "repo:octo-org/octo-repo:ref:refs/heads/main",
    ref: "refs/heads/main",
    ref_type: "branch",
    sha: "e83c5163316f89bfbde7d9ab23ca2e25604af290",
    repository: "octo-org/octo-repo",
    repository_id: REPO_ID,
    repository_owner: "octo-org",
    repository_owner_id: OWNER_ID,
    repository_visibility: "private",
    run_id: "5701203812",
    run_number: "12",
    run_attempt: "1",
    actor: "octocat",
    actor_id: "583231",
    workflow: "Deploy",
    event_name: "push",
    head_ref: "",
    base_ref: "",
    workflow_ref: WORKFLOW,
    job_workflow_ref: WORKFLOW,
    runner_environment: "github-hosted",
    ...extra
  }) as JWTPayload

const base = (): GithubActionsVerifierOptions => ({
  issuer: ISS,
  jwks: jwksOf(github),
  audience: AUD,
  repositoryId: REPO_ID,
  repositoryOwnerId: OWNER_ID,
  refs: ["refs/heads/main", "refs/tags/v*"],
  workflows: [WORKFLOW, "octo-org/octo-repo/.github/workflows/release.yml@*"],
  now
})
const build = (options: Partial<GithubActionsVerifierOptions> = {}) =>
  Effect.runPromise(makeGithubActionsVerifier({ ...base(), ...options }))

beforeAll(async () => {
  github = await makeKey("RS256", "gh-1")
})

describe("makeGithubActionsVerifier", () => {
  it("turns a valid Actions token into exactly this identity with role ci", async () => {
    const verifier = await build()
    const identity = await Effect.runPromise(verifier.verify(await sign(github, claims())))
    expect(identity).toEqual({
      provider: "github-actions",
      subject: "repo:74:ref:refs/heads/main",
      principalId: `github-actions:${NS}:repo:74:ref:refs/heads/main`,
      displayName: "octo-org/octo-repo@refs/heads/main",
      roles: ["ci"],
      attributes: {
        repository: "octo-org/octo-repo",
        repository_id: "74",
        repository_owner: "octo-org",
        repository_owner_id: "65",
        ref: "refs/heads/main",
        event_name: "push",
        workflow: WORKFLOW,
        sha: "e83c5163316f89bfbde7d9ab23ca2e25604af290",
        run_id: "5701203812",
        actor: "octocat"
      }
    })
    expect(verifier.provider).toBe("github-actions")
  })

  it("defaults to GitHub's issuer and allows the configured roles", async () => {
    const { issuer: _, ...withoutIssuer } = base()
    const verifier = await Effect.runPromise(makeGithubActionsVerifier({ ...withoutIssuer, roles: ["ci", "deployer"] }))
    const token = await sign(github, claims({ iss: githubActionsIssuer }))
    expect((await Effect.runPromise(verifier.verify(token))).roles).toEqual(["ci", "deployer"])
    await expectRejected(verifier.verify(await sign(github, claims())), "WrongIssuer", "iss")
  })

  it("refuses a renamed or re-created repository: ids decide, not names", async () => {
    const verifier = await build()
    // Same name, another repository id (deleted and re-created, or transferred in by someone else).
    await expectRejected(
      verifier.verify(await sign(github, claims({ repository_id: "75" }))),
      "ClaimNotAllowed",
      "repository_id"
    )
    // Same name under an owner with another id (an account re-registered under the old name).
    await expectRejected(
      verifier.verify(await sign(github, claims({ repository_owner_id: "66" }))),
      "ClaimNotAllowed",
      "repository_owner_id"
    )
    // After a rename the ids still match and the principal stays the same; workflow pins name the
    // repository, so they are updated with it (until then the renamed workflow is refused).
    const renamedWorkflow = "octo-org/renamed/.github/workflows/deploy.yml@refs/heads/main"
    const renamed = await sign(github, claims({ repository: "octo-org/renamed", job_workflow_ref: renamedWorkflow }))
    await expectRejected(verifier.verify(renamed), "ClaimNotAllowed", "job_workflow_ref")
    const updated = await build({ workflows: [renamedWorkflow] })
    const identity = await Effect.runPromise(updated.verify(renamed))
    expect(identity.principalId).toBe(`github-actions:${NS}:repo:74:ref:refs/heads/main`)
    expect(identity.attributes.repository).toBe("octo-org/renamed")
  })

  it("refuses ids that are not decimal strings", async () => {
    const verifier = await build()
    await expectRejected(
      verifier.verify(await sign(github, claims({ repository_id: 74 }))),
      "InvalidClaim",
      "repository_id"
    )
    const { repository_id: _, ...noId } = claims()
    await expectRejected(verifier.verify(await sign(github, noId)), "MissingClaim", "repository_id")
  })

  it("refuses pull_request events unless allowed, and pull requests from forks even then", async () => {
    const strict = await build({ refs: ["refs/heads/main", "refs/pull/*"] })
    const pr = claims({ event_name: "pull_request", ref: "refs/pull/7/merge", head_ref: "feature", base_ref: "main" })
    await expectRejected(strict.verify(await sign(github, pr)), "ClaimNotAllowed", "event_name")
    await expectRejected(
      strict.verify(await sign(github, claims({ event_name: "pull_request_target" }))),
      "ClaimNotAllowed",
      "event_name"
    )

    const allowing = await build({ refs: ["refs/heads/main", "refs/pull/*"], events: ["push", "pull_request"] })
    expect((await Effect.runPromise(allowing.verify(await sign(github, pr)))).attributes.event_name).toBe(
      "pull_request"
    )
    const fromFork = await sign(github, { ...pr, head_repository: "mallory/octo-repo" })
    await expectRejected(allowing.verify(fromFork), "ClaimNotAllowed", "head_repository")
    const fromForkById = await sign(github, { ...pr, head_repository_id: "666" })
    await expectRejected(allowing.verify(fromForkById), "ClaimNotAllowed", "head_repository_id")
    const sameRepo = await sign(github, { ...pr, head_repository: "octo-org/octo-repo", head_repository_id: REPO_ID })
    expect((await Effect.runPromise(allowing.verify(sameRepo))).subject).toBe("repo:74:ref:refs/pull/7/merge")
  })

  it("refuses events outside the default list", async () => {
    const verifier = await build()
    for (const event_name of ["push", "workflow_dispatch", "schedule"]) {
      expect((await Effect.runPromise(verifier.verify(await sign(github, claims({ event_name }))))).roles).toEqual([
        "ci"
      ])
    }
    for (const event_name of ["issue_comment", "workflow_run", "release"]) {
      await expectRejected(verifier.verify(await sign(github, claims({ event_name }))), "ClaimNotAllowed", "event_name")
    }
  })

  it("refuses a ref outside the allow-list, exact or by prefix", async () => {
    const verifier = await build()
    for (const ref of ["refs/heads/dev", "refs/heads/main-evil", "refs/heads/mainx", "refs/tagsx/v1", "refs/tags/x"]) {
      await expectRejected(verifier.verify(await sign(github, claims({ ref }))), "ClaimNotAllowed", "ref")
    }
    const tag = await sign(github, claims({ ref: "refs/tags/v2.0.0" }))
    expect((await Effect.runPromise(verifier.verify(tag))).attributes.ref).toBe("refs/tags/v2.0.0")
  })

  it("refuses a workflow outside the allow-list", async () => {
    const verifier = await build()
    const other = "octo-org/octo-repo/.github/workflows/untrusted.yml@refs/heads/main"
    await expectRejected(
      verifier.verify(await sign(github, claims({ job_workflow_ref: other }))),
      "ClaimNotAllowed",
      "job_workflow_ref"
    )
    // A reusable workflow of another repository called from an allowed top-level workflow.
    const reusable = "mallory/tools/.github/workflows/deploy.yml@refs/heads/main"
    await expectRejected(
      verifier.verify(await sign(github, claims({ job_workflow_ref: reusable }))),
      "ClaimNotAllowed",
      "job_workflow_ref"
    )
    const { job_workflow_ref: _, ...noWorkflow } = claims()
    await expectRejected(verifier.verify(await sign(github, noWorkflow)), "MissingClaim", "job_workflow_ref")
    // Pinning the top-level workflow instead.
    const byCaller = await build({ workflowClaim: "workflow_ref" })
    const identity = await Effect.runPromise(
      byCaller.verify(await sign(github, claims({ job_workflow_ref: reusable })))
    )
    expect(identity.attributes.workflow).toBe(WORKFLOW)
    await expectRejected(
      byCaller.verify(await sign(github, claims({ workflow_ref: other }))),
      "ClaimNotAllowed",
      "workflow_ref"
    )
  })

  it("refuses an environment outside the allow-list, or none when one is required", async () => {
    const verifier = await build({ environments: ["production"] })
    await expectRejected(
      verifier.verify(await sign(github, claims({ environment: "staging" }))),
      "ClaimNotAllowed",
      "environment"
    )
    await expectRejected(verifier.verify(await sign(github, claims())), "MissingClaim", "environment")
    const identity = await Effect.runPromise(verifier.verify(await sign(github, claims({ environment: "production" }))))
    expect(identity.attributes.environment).toBe("production")
  })

  it("refuses another audience, a foreign key and an expired token", async () => {
    const verifier = await build()
    await expectRejected(
      verifier.verify(await sign(github, claims({ aud: "https://github.com/octo-org" }))),
      "WrongAudience",
      "aud"
    )
    await expectRejected(verifier.verify(await sign(await makeKey("RS256", "gh-1"), claims())), "BadSignature")
    const { exp: _, ...noExp } = claims()
    await expectRejected(verifier.verify(await sign(github, noExp)), "MissingClaim", "exp")
  })

  it("keys refs outside the principal-id alphabet by digest", async () => {
    const verifier = await build({ refs: ["refs/heads/*"] })
    const ref = "refs/heads/feature+odd#name"
    const identity = await Effect.runPromise(verifier.verify(await sign(github, claims({ ref }))))
    const digest = createHash("sha256").update(`repo:74:ref:${ref}`).digest("base64url")
    expect(identity.subject).toBe(`sha256:${digest}`)
    expect(identity.attributes.ref).toBe(ref)
  })

  it("refuses unsafe or incomplete configuration", async () => {
    const refused = async (options: Record<string, unknown>) =>
      (await failureOf(makeGithubActionsVerifier({ ...base(), ...options } as GithubActionsVerifierOptions))).message
    expect(await refused({ repositoryId: "octo-org/octo-repo" })).toContain("repositoryId")
    expect(await refused({ repositoryOwnerId: "" })).toContain("repositoryOwnerId")
    expect(await refused({ refs: [] })).toContain("refs")
    expect(await refused({ refs: ["*"] })).toContain("refs")
    expect(await refused({ workflows: ["octo-org/*/deploy.yml"] })).toContain("workflows")
    expect(await refused({ events: [] })).toContain("events")
    expect(await refused({ algorithms: ["none"] })).toContain("none")
  })
})
