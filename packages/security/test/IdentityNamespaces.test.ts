import { Effect } from "effect"
import type { JWTPayload } from "jose"
import { beforeAll, describe, expect, it } from "vitest"
import { githubActionsIssuer, makeGithubActionsVerifier } from "../src/identity/GithubActionsVerifier.js"
import { makeOidcVerifier } from "../src/identity/OidcVerifier.js"
import { failureOf, jwksOf, makeKey, now, sign, type TestKey, timely } from "./support/jwtFixtures.js"

const CORP = "https://login.corp.example.test"
const PARTNER = "https://idp.partner.example.test"
const AUD = "coderclaw"

let corpKey: TestKey
let partnerKey: TestKey

beforeAll(async () => {
  corpKey = await makeKey("RS256", "corp-1")
  partnerKey = await makeKey("RS256", "partner-1")
})

const oidc = (issuer: string | ReadonlyArray<string>, key: TestKey, id?: string) =>
  Effect.runPromise(
    makeOidcVerifier({ issuer, audience: AUD, jwks: jwksOf(key), now, ...(id === undefined ? {} : { id }) })
  )

const principalOf = async (
  verifier: Effect.Success<ReturnType<typeof makeOidcVerifier>>,
  key: TestKey,
  claims: JWTPayload
) => (await Effect.runPromise(verifier.verify(await sign(key, claims)))).principalId

describe("principal ids are unique across identity providers", () => {
  it("gives the same sub from two OIDC issuers two different principals", async () => {
    const corp = await oidc(CORP, corpKey)
    const partner = await oidc(PARTNER, partnerKey)
    const corpAlice = await principalOf(corp, corpKey, { ...timely(CORP, AUD), sub: "alice" })
    const partnerAlice = await principalOf(partner, partnerKey, { ...timely(PARTNER, AUD), sub: "alice" })
    expect(corpAlice).not.toBe(partnerAlice)
    expect(corpAlice).toMatch(/^oidc:iss\.[0-9a-f]{24}:alice$/)
  })

  it("keeps issuers apart even when one verifier accepts both", async () => {
    const both = await oidc([CORP, PARTNER], corpKey)
    const a = await principalOf(both, corpKey, { ...timely(CORP, AUD), sub: "alice" })
    const b = await principalOf(both, corpKey, { ...timely(PARTNER, AUD), sub: "alice" })
    expect(a).not.toBe(b)
  })

  it("uses a configured provider id as the namespace, for every spelling of the issuer", async () => {
    const corp = await oidc([CORP, "login.corp.example.test"], corpKey, "corp")
    for (const iss of [CORP, "login.corp.example.test"]) {
      expect(await principalOf(corp, corpKey, { ...timely(iss, AUD), sub: "alice" })).toBe("oidc:corp:alice")
    }
  })

  it("lets no subject forge another namespace: separators in sub stay inside the subject", async () => {
    const corp = await oidc(CORP, corpKey, "corp")
    const partner = await oidc(PARTNER, partnerKey, "partner")
    // The partner's user picks a sub that would read as corp's namespace if ids were split naively.
    const forged = await principalOf(partner, partnerKey, { ...timely(PARTNER, AUD), sub: "corp:alice" })
    const real = await principalOf(corp, corpKey, { ...timely(CORP, AUD), sub: "alice" })
    expect(forged).toBe("oidc:partner:corp:alice")
    expect(forged).not.toBe(real)
    // A sub that looks like a hashed subject is hashed itself, so it cannot stand for another sub's digest.
    const digestLike = await principalOf(partner, partnerKey, { ...timely(PARTNER, AUD), sub: "sha256:abc" })
    expect(digestLike.startsWith("oidc:partner:sha256:")).toBe(true)
    expect(digestLike).not.toBe("oidc:partner:sha256:abc")
  })

  it("refuses a provider id that could split differently (a colon, a dot, upper case)", async () => {
    for (const id of ["corp:alice", "iss.abc", "Corp", ""]) {
      const error = await failureOf(
        makeOidcVerifier({ id, issuer: CORP, audience: AUD, jwks: jwksOf(corpKey), now } as never)
      )
      expect(error._tag).toBe("InvalidVerifierConfig")
    }
  })

  it("puts GitHub Actions tokens of another issuer (GitHub Enterprise Server) in that issuer's namespace", async () => {
    const ghes = "https://ghes.example.test/_services/token"
    const build = (issuer: string) =>
      Effect.runPromise(
        makeGithubActionsVerifier({
          issuer,
          jwks: jwksOf(corpKey),
          audience: AUD,
          repositoryId: "42",
          repositoryOwnerId: "7",
          refs: ["refs/heads/main"],
          workflows: ["o/r/.github/workflows/ci.yml@*"],
          now
        })
      )
    const claims = (iss: string) =>
      ({
        ...timely(iss, AUD),
        sub: "repo:o/r:ref:refs/heads/main",
        ref: "refs/heads/main",
        repository: "o/r",
        repository_id: "42",
        repository_owner: "o",
        repository_owner_id: "7",
        event_name: "push",
        job_workflow_ref: "o/r/.github/workflows/ci.yml@refs/heads/main"
      }) as JWTPayload
    const dotcomVerifier = await build(githubActionsIssuer)
    const dotcom = await Effect.runPromise(dotcomVerifier.verify(await sign(corpKey, claims(githubActionsIssuer))))
    const enterprise = await Effect.runPromise((await build(ghes)).verify(await sign(corpKey, claims(ghes))))
    expect(dotcom.principalId).toBe("github-actions:repo:42:ref:refs/heads/main")
    expect(enterprise.principalId).toMatch(/^github-actions:iss\.[0-9a-f]{24}:repo:42:ref:refs\/heads\/main$/)
  })
})
