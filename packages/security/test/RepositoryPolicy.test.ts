import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { AuthorizationRequest } from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  narrowByRepositoryPolicy,
  type PolicyConfig,
  parseRepositoryPolicy,
  type RepositoryPolicyState,
  readRepositoryPolicy,
  Security,
  type SecurityConfig
} from "../src/index.js"

const server: PolicyConfig = {
  repositories: [
    { id: "no-shell-here", repository: "app", skills: { deny: ["shell.run"] }, minTrust: "verified" },
    { id: "elsewhere", repository: "other", skills: { deny: ["fs.read"] } }
  ]
}
const target = { file: "/repo/app/.coderclaw/policy.yaml", repository: "app", server }

const refusal = (text: string) => {
  const parsed = parseRepositoryPolicy(text, target)
  if (Result.isSuccess(parsed)) throw new Error(`expected ${JSON.stringify(text)} to be refused`)
  return parsed.failure
}

describe("parseRepositoryPolicy: a repository's own policy can only narrow", () => {
  it("accepts protected paths, denied and allowed skills, approvals and a higher trust", () => {
    const parsed = parseRepositoryPolicy(
      [
        "protectedPaths: [secrets, '**/*.pem']",
        "skills: { allow: [fs.read, repo.list, 'git.*'], deny: [text.search] }",
        "requireApproval: [git.log]",
        "minTrust: trusted"
      ].join("\n"),
      target
    )
    expect(Result.getOrThrow(parsed)).toEqual({
      protectedPaths: ["secrets", "**/*.pem"],
      skills: { allow: ["fs.read", "repo.list", "git.*"], deny: ["text.search"] },
      requireApproval: ["git.log"],
      minTrust: "trusted"
    })
  })

  it("refuses allowing a skill the server denies in this repository, naming the file, key and server policy", () => {
    const error = refusal("skills: { allow: [fs.read, shell.run] }")
    expect(error.reason).toBe("Widening")
    expect(error.message).toBe(
      "/repo/app/.coderclaw/policy.yaml would widen the server's policy: skills.allow.1: shell.run is denied by the server's policy no-shell-here; it cannot be allowed here"
    )
    // The server's rule for another repository is not this one's: fs.read stays allowable here.
    expect(Result.isSuccess(parseRepositoryPolicy("skills: { allow: [fs.read] }", target))).toBe(true)
  })

  it("refuses lowering the trust, unprotecting a path, lifting approvals and the server's own widening keys", () => {
    expect(refusal("minTrust: untrusted").issues).toEqual([
      "minTrust: untrusted is below the server's verified (policy no-shell-here); it can only be raised"
    ])
    expect(refusal("protectedPaths: ['!.github']").issues).toEqual([
      'protectedPaths.0: "!.github" would unprotect a path; list only paths to protect'
    ])
    expect(refusal("requireApproval: { shell.run: false }").issues).toEqual([
      "requireApproval: approvals can only be added (a list of skills), never lifted"
    ])
    const keys = refusal("allowRoles: [readonly]\ncedar: 'permit (principal, action, resource);'")
    expect(keys.reason).toBe("Widening")
    expect(keys.issues).toEqual([
      "allowRoles: roles are granted by the server only; a repository policy can only narrow",
      "cedar: hand-written Cedar belongs to the server's security.yaml; a repository policy can only narrow"
    ])
  })

  it("refuses unknown keys, wrong values, hostile paths and broken YAML with the key at fault", () => {
    const unknown = refusal("protectedPath: [secrets]")
    expect(unknown.reason).toBe("Invalid")
    expect(unknown.message).toContain("/repo/app/.coderclaw/policy.yaml is invalid: protectedPath:")
    expect(refusal("minTrust: sometimes").issues[0]).toMatch(/^minTrust: /)
    expect(refusal("protectedPaths: ['../outside']").issues[0]).toMatch(/^protectedPaths\.0: /)
    expect(refusal("skills: [fs.read").issues[0]).toMatch(/^not valid YAML: /)
    expect(refusal("- just\n- a list").issues).toEqual(["(file): expected a mapping of keys"])
  })
})

describe("narrowByRepositoryPolicy", () => {
  const loaded: RepositoryPolicyState = {
    _tag: "Loaded",
    policy: {
      protectedPaths: ["secrets"],
      skills: { deny: ["text.search"] },
      requireApproval: ["git.*"],
      minTrust: "verified"
    }
  }
  const skill = (skillId: string, paths?: ReadonlyArray<string>) => ({
    action: "skill:execute",
    trust: "verified" as const,
    skillId,
    paths
  })

  it("refuses a denied skill, a protected path (any case, below it) and a trust below the minimum", () => {
    expect(narrowByRepositoryPolicy(loaded, skill("text.search"))).toEqual({
      _tag: "Deny",
      reasons: [".coderclaw/policy.yaml#skills.deny"]
    })
    expect(narrowByRepositoryPolicy(loaded, skill("fs.read", ["src/a.ts", "Secrets/key.txt"]))).toEqual({
      _tag: "Deny",
      reasons: [".coderclaw/policy.yaml#protectedPaths"]
    })
    expect(narrowByRepositoryPolicy(loaded, { ...skill("fs.read"), trust: "untrusted" })).toEqual({
      _tag: "Deny",
      reasons: [".coderclaw/policy.yaml#minTrust"]
    })
    expect(narrowByRepositoryPolicy(loaded, { action: "task:submit", trust: "untrusted" })._tag).toBe("Deny")
  })

  it("asks for approval where required, leaves other requests and reading alone", () => {
    expect(narrowByRepositoryPolicy(loaded, skill("git.log"))).toEqual({
      _tag: "Allow",
      requiresApproval: true,
      policies: [".coderclaw/policy.yaml#requireApproval"]
    })
    expect(narrowByRepositoryPolicy(loaded, skill("fs.read", ["src/a.ts"]))).toEqual({
      _tag: "Allow",
      requiresApproval: false,
      policies: []
    })
    expect(narrowByRepositoryPolicy(loaded, { action: "task:read", trust: "untrusted" })._tag).toBe("Allow")
  })
})

// Each case hashes a password and opens a session: generous for a busy machine.
describe("Security with a served repository's .coderclaw/policy.yaml", { timeout: 120_000 }, () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "coderclaw-repo-policy-"))
    await mkdir(join(root, ".coderclaw"))
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  const config: SecurityConfig = {
    sessions: { issuer: "coderclaw-test", audience: "coderclaw" },
    providers: { local: {} },
    policies: server
  }

  /** Decides requests for `dev` (a developer on a verified device) against a server serving `root` as `app`. */
  const decide = (requests: ReadonlyArray<Omit<AuthorizationRequest, "principal">>, between?: () => Promise<void>) =>
    Effect.runPromise(
      Effect.gen(function* () {
        const security = yield* Effect.service(Security)
        yield* security.users.createUser({ username: "dev", password: "dev-password-123", roles: ["developer"] })
        const { principal } = yield* security.loginWithPassword("dev", "dev-password-123")
        const verified = { ...principal, trust: "verified" as const }
        const outcomes: Array<unknown> = []
        for (const request of requests) {
          const decided = yield* Effect.result(security.authorizer.authorize({ ...request, principal: verified }))
          outcomes.push(decided._tag === "Success" ? decided.success : { refused: decided.failure.reasons })
          if (between !== undefined) yield* Effect.promise(between)
        }
        const audit = yield* security.audit.query(
          { principalId: "local:admin", permissions: new Set(["audit:read"]) },
          { limit: 100 }
        )
        return { outcomes, audit: audit.items }
      }).pipe(Effect.provide(Security.layerInMemory(config, { repositories: [{ name: "app", root }] })))
    )

  const readSecrets = {
    action: "skill:execute",
    resource: "skill/fs.read",
    context: { skillId: "fs.read", repository: "app", paths: ["secrets/token.txt"] }
  } as const

  it("narrows what the server allows: a protected path refused, an approval added, named in the audit log", async () => {
    await writeFile(join(root, ".coderclaw", "policy.yaml"), "protectedPaths: [secrets]\nrequireApproval: [git.log]\n")
    const { outcomes, audit } = await decide([
      readSecrets,
      { action: "skill:execute", resource: "skill/git.log", context: { skillId: "git.log" } },
      { ...readSecrets, context: { ...readSecrets.context, paths: ["src/main.ts"] } }
    ])
    expect(outcomes[0]).toEqual({ refused: [".coderclaw/policy.yaml#protectedPaths"] })
    expect(outcomes[1]).toMatchObject({
      requiresApproval: true,
      policies: ["role:developer", ".coderclaw/policy.yaml#requireApproval"]
    })
    expect(outcomes[2]).toMatchObject({ requiresApproval: false })
    expect(audit.filter((entry) => entry.action === "authz.decide").map((entry) => entry.reasons)).toEqual(
      expect.arrayContaining([[".coderclaw/policy.yaml#protectedPaths"]])
    )
  })

  it("never allows what the server denies, and reads the file again when it changes", async () => {
    const policy = join(root, ".coderclaw", "policy.yaml")
    await writeFile(policy, "skills: { allow: [fs.read] }\n")
    const runShell = {
      action: "skill:execute",
      resource: "skill/shell.run",
      context: { skillId: "shell.run", repository: "app" }
    } as const
    let step = 0
    const { outcomes } = await decide([readSecrets, runShell, readSecrets, readSecrets], async () => {
      step += 1
      if (step === 2) await writeFile(policy, "skills: { deny: [fs.read] }\n")
      if (step === 3) await writeFile(policy, "skills: { allow: [shell.run] }\n")
    })
    expect(outcomes[0]).toMatchObject({ requiresApproval: false })
    // The server's own rule denies shell.run in `app`; the file's allow list does not change that.
    expect(outcomes[1]).toEqual({ refused: ["no-shell-here#skills-deny"] })
    expect(outcomes[2]).toEqual({ refused: [".coderclaw/policy.yaml#skills.deny"] })
    // A file that tries to widen is refused, and refuses the repository's work until it is fixed.
    expect(outcomes[3]).toEqual({
      refused: [
        ".coderclaw/policy.yaml#invalid",
        `${policy} would widen the server's policy: skills.allow.0: shell.run is denied by the server's policy no-shell-here; it cannot be allowed here`
      ]
    })
  })

  it("a malformed file fails closed: submitting is refused with the validation error, reading stays open", async () => {
    await writeFile(join(root, ".coderclaw", "policy.yaml"), "protectedPaths: secrets\n")
    const { outcomes } = await decide([
      { action: "task:submit", resource: "agent/repo-scanner" },
      { action: "task:read", resource: "tasks" }
    ])
    expect(outcomes[0]).toEqual({
      refused: [".coderclaw/policy.yaml#invalid", expect.stringContaining("policy.yaml is invalid: protectedPaths:")]
    })
    expect(outcomes[1]).toMatchObject({ requiresApproval: false })
  })

  it("readRepositoryPolicy reads a repository's file for whoever runs its tasks; none is no constraint", async () => {
    const source = { root, repository: "app", server }
    expect(await Effect.runPromise(readRepositoryPolicy(source))).toBeUndefined()
    await writeFile(join(root, ".coderclaw", "policy.yaml"), "minTrust: trusted\n")
    expect(await Effect.runPromise(readRepositoryPolicy(source))).toEqual({ minTrust: "trusted" })
  })
})
