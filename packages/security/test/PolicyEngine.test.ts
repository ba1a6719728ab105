import type { Permission, Principal, TrustLevel } from "@coderclaw/protocol"
import { Effect, Result, type Scope } from "effect"
import { describe, expect, it } from "vitest"
import {
  makePolicyEngine,
  PathRejected,
  PolicyEngine,
  type PolicyEngineShape,
  type PolicyRequest,
  parseResource
} from "../src/policies/index.js"
import {
  builtinRoleTable,
  checkOwnership,
  makeRoleGate,
  RoleGate,
  roleTableFromDefinitions
} from "../src/rbac/index.js"

const gate = makeRoleGate(builtinRoleTable)

const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Promise<A> => Effect.runPromise(Effect.scoped(effect))

/** Runs `body` against an engine over `config`. */
const withEngine = <A>(config: unknown, body: (engine: PolicyEngineShape) => A, options?: { cacheSize?: number }) =>
  run(Effect.map(makePolicyEngine({ gate, config, cacheSize: options?.cacheSize }), body))

const principal = (
  roles: ReadonlyArray<string>,
  trust: TrustLevel = "trusted",
  id = "local:alice",
  sessionId = "s-alice"
) => ({ id, roles, trust, sessionId })

const request = (
  who: PolicyRequest["principal"],
  action: Permission,
  resource: PolicyRequest["resource"],
  context?: PolicyRequest["context"]
): PolicyRequest => ({ principal: who, action, resource, ...(context === undefined ? {} : { context }) })

const decided = (engine: PolicyEngineShape, req: PolicyRequest) => Result.getOrThrow(engine.decideSync(req))

const rejected = (engine: PolicyEngineShape, req: PolicyRequest): PathRejected => {
  const result = engine.decideSync(req)
  if (Result.isSuccess(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.success)}`)
  expect(result.failure).toBeInstanceOf(PathRejected)
  return result.failure
}

const deployAgent = { type: "Agent", id: "deploy" } as const
const repoApp = "github.com/acme/app"

describe("RBAC inside the policy engine", () => {
  it("readonly cannot submit, and the decision names default-deny", async () => {
    await withEngine({}, (engine) => {
      const decision = decided(engine, request(principal(["readonly"]), "task:submit", deployAgent))
      expect(decision).toEqual({
        decision: "deny",
        requiresApproval: false,
        policies: ["default-deny"],
        reasons: ["roles readonly grant no task:submit"]
      })
      expect(decided(engine, request(principal(["readonly"]), "task:read", { type: "Task", id: "t1" })).decision).toBe(
        "allow"
      )
    })
  })

  it("an allow names the permitting role policy", async () => {
    await withEngine({}, (engine) => {
      const decision = decided(engine, request(principal(["developer"]), "task:submit", deployAgent))
      expect(decision.decision).toBe("allow")
      expect(decision.policies).toEqual(["role:developer"])
      expect(decision.reasons).toEqual(["granted by role developer"])
    })
  })

  it("forged roles and permissions in the request change nothing", async () => {
    await withEngine({}, (engine) => {
      const honest = request(principal(["readonly"], "trusted", "local:mallory", "s-m"), "task:submit", deployAgent)
      // Everything a caller might smuggle in: a permission list, claims, roles in the context, and role
      // names the server's role table does not define.
      const forged = {
        ...honest,
        permissions: ["admin:all"],
        principal: { ...honest.principal, permissions: ["admin:all"], scopes: ["admin"], isAdmin: true },
        context: { roles: ["admin"], permissions: ["task:submit"] }
      } as unknown as PolicyRequest
      const unknownRoles = request(
        principal(["readonly", "root", "superuser", "Admin", "admin:all"], "trusted", "local:mallory", "s-m"),
        "task:submit",
        deployAgent
      )
      const expected = decided(engine, honest)
      expect(expected.decision).toBe("deny")
      expect(decided(engine, forged)).toEqual(expected)
      expect(decided(engine, unknownRoles).decision).toBe("deny")
      expect(decided(engine, unknownRoles).policies).toEqual(["default-deny"])
    })
  })

  it("takes the protocol's server-built Principal as is", async () => {
    const fromSession: Principal = {
      id: "github-actions:repo:acme/app",
      provider: "github-actions",
      sessionId: "s-ci",
      roles: ["ci"],
      trust: "untrusted"
    }
    await withEngine({}, (engine) => {
      expect(decided(engine, request(fromSession, "task:submit", deployAgent)).decision).toBe("allow")
      expect(decided(engine, request(fromSession, "config:read", { type: "Method", id: "config.get" })).decision).toBe(
        "deny"
      )
    })
  })

  it("ci cancels its own task but not others'", async () => {
    const ci = principal(["ci"], "untrusted", "github-actions:repo:acme/app", "s-ci")
    const actor = { principalId: ci.id, sessionId: ci.sessionId }
    await withEngine({}, (engine) => {
      const task = { type: "Task", id: "t-1" } as const
      const own = checkOwnership("task:cancel", actor, { taskOwner: ci.id })
      expect(decided(engine, request(ci, own, task)).decision).toBe("allow")
      const others = checkOwnership("task:cancel", actor, { taskOwner: "local:alice" })
      const decision = decided(engine, request(ci, others, task))
      expect(decision.decision).toBe("deny")
      expect(decision.reasons[0]).toContain("task:cancel:any")
      const admin = principal(["admin"])
      expect(decided(engine, request(admin, others, task)).decision).toBe("allow")
    })
  })

  it("hand-written Cedar permits cannot widen what RBAC grants", async () => {
    const config = { cedar: '@id("open-everything") permit (principal, action, resource);' }
    await withEngine(config, (engine) => {
      const decision = decided(engine, request(principal(["readonly"]), "task:submit", deployAgent))
      expect(decision.decision).toBe("deny")
      expect(decision.policies).toEqual(["default-deny"])
    })
  })
})

describe("agent policies", () => {
  const config = {
    agents: [
      { id: "deploy-trust", agent: "deploy", minTrust: "trusted" },
      { id: "deploy-roles", agent: "deploy", allowRoles: ["developer", "ci"], denyRoles: ["ci"] }
    ]
  }

  it("a verified device is refused where trusted is required", async () => {
    await withEngine(config, (engine) => {
      const verified = decided(engine, request(principal(["developer"], "verified"), "task:submit", deployAgent))
      expect(verified.decision).toBe("deny")
      expect(verified.policies).toEqual(["deploy-trust#min-trust"])
      expect(verified.reasons[0]).toContain("trusted device")
      expect(decided(engine, request(principal(["developer"], "trusted"), "task:submit", deployAgent)).decision).toBe(
        "allow"
      )
    })
  })

  it("applies to the agent named in the context as well as to an agent resource", async () => {
    await withEngine(config, (engine) => {
      const skillCall = request(
        principal(["developer"], "verified"),
        "skill:execute",
        { type: "Skill", id: "fs.read" },
        { agentId: "deploy", skillId: "fs.read" }
      )
      expect(decided(engine, skillCall).policies).toEqual(["deploy-trust#min-trust"])
      const otherAgent = request(principal(["developer"], "verified"), "task:submit", { type: "Agent", id: "scan" })
      expect(decided(engine, otherAgent).decision).toBe("allow")
    })
  })

  it("a denied role beats an allowed role", async () => {
    await withEngine(config, (engine) => {
      const decision = decided(engine, request(principal(["developer", "ci"]), "task:submit", deployAgent))
      expect(decision.decision).toBe("deny")
      expect(decision.policies).toEqual(["deploy-roles#deny-roles"])
    })
  })

  it("roles outside the allow list are refused, admin included unless listed", async () => {
    await withEngine(config, (engine) => {
      const readonlyish = decided(engine, request(principal(["admin"]), "task:submit", deployAgent))
      expect(readonlyish.decision).toBe("deny")
      expect(readonlyish.policies).toEqual(["deploy-roles#allow-roles"])
    })
  })

  it("does not restrict actions that do not use the agent", async () => {
    await withEngine(config, (engine) => {
      const read = request(
        principal(["readonly"], "untrusted"),
        "task:read",
        { type: "Task", id: "t" },
        {
          agentId: "deploy"
        }
      )
      expect(decided(engine, read).decision).toBe("allow")
    })
  })

  it("allow lists accept custom roles that inherit a listed role", async () => {
    const table = Result.getOrThrow(
      roleTableFromDefinitions([{ name: "senior", inherits: ["developer"], permissions: ["task:cancel:any"] }])
    )
    const customGate = makeRoleGate(table)
    const decision = await run(
      Effect.map(
        makePolicyEngine({
          gate: customGate,
          config: { agents: [{ id: "d", agent: "deploy", allowRoles: ["developer"] }] }
        }),
        (engine) => decided(engine, request(principal(["senior"]), "task:submit", deployAgent))
      )
    )
    expect(decision.decision).toBe("allow")
    expect(decision.policies).toEqual(["role:developer"])
  })
})

describe("repository policies", () => {
  const config = {
    repositories: [
      {
        id: "app",
        repository: repoApp,
        protectedPaths: [".github/workflows", "**/*.pem"],
        protectedBranches: ["main", "release/*"]
      }
    ]
  }
  const write = (who: PolicyRequest["principal"], context: PolicyRequest["context"]) =>
    request(
      who,
      "skill:execute",
      { type: "Skill", id: "fs.write" },
      { repository: repoApp, skillId: "fs.write", ...context }
    )
  const admin = principal(["admin"])

  it("admin is bound by an explicit forbid on protected paths", async () => {
    await withEngine(config, (engine) => {
      const decision = decided(engine, write(admin, { paths: [".github/workflows/ci.yml"] }))
      expect(decision.decision).toBe("deny")
      expect(decision.policies).toEqual(["app#protected-paths"])
      expect(decided(engine, write(admin, { paths: ["src/index.ts"] })).decision).toBe("allow")
    })
  })

  it("admin is bound by a hand-written Cedar forbid too", async () => {
    const cedar = `@id("freeze") @reason("configuration is frozen")
forbid (principal, action == Action::"config:write", resource);`
    await withEngine({ cedar }, (engine) => {
      const decision = decided(engine, request(admin, "config:write", { type: "Method", id: "config.set" }))
      expect(decision).toEqual({
        decision: "deny",
        requiresApproval: false,
        policies: ["freeze"],
        reasons: ["configuration is frozen"]
      })
    })
  })

  it("denies or rejects every path-traversal form", async () => {
    await withEngine(config, (engine) => {
      const rejectedForms: ReadonlyArray<[string, string]> = [
        ["src/../.github/workflows/x", "ParentSegment"],
        ["src\\..\\x", "Backslash"],
        [".github\\workflows\\x", "Backslash"],
        ["%2e%2e/x", "PercentEncoding"],
        [".github%2fworkflows/x", "PercentEncoding"],
        ["/repo/.github/workflows/x", "Absolute"],
        ["C:\\repo\\.github\\workflows\\x", "Absolute"],
        [".github/workflows/x\u0000.txt", "ControlCharacter"],
        [".github./workflows/x", "TrailingDotOrSpace"]
      ]
      for (const [path, reason] of rejectedForms) {
        expect(rejected(engine, write(admin, { paths: ["src/ok.ts", path] })).reason).toBe(reason)
      }
      const deniedForms = [
        "./.github/workflows/x",
        ".github//workflows/x",
        ".github/workflows/",
        ".GITHUB/workflows/x",
        ".GitHub/Workflows/x",
        "deploy/keys/Server.PEM"
      ]
      for (const path of deniedForms) {
        const decision = decided(engine, write(admin, { paths: ["src/ok.ts", path] }))
        expect(decision.decision, path).toBe("deny")
        expect(decision.policies).toEqual(["app#protected-paths"])
      }
    })
  })

  it("the decide effect fails with the typed PathRejected", async () => {
    const error = await run(
      Effect.flatMap(makePolicyEngine({ gate, config }), (engine) =>
        Effect.flip(engine.decide(write(admin, { paths: ["src/../x"] })))
      )
    )
    expect(error._tag).toBe("PathRejected")
    expect(error.reason).toBe("ParentSegment")
  })

  it("denies protected branches in any spelling", async () => {
    await withEngine(config, (engine) => {
      for (const branch of ["main", "refs/heads/main", "MAIN", "release/2.0", "refs/heads/Release/x"]) {
        const decision = decided(engine, write(admin, { branch }))
        expect(decision.decision, branch).toBe("deny")
        expect(decision.policies).toEqual(["app#protected-branches"])
      }
      expect(decided(engine, write(admin, { branch: "feature/main" })).decision).toBe("allow")
      expect(decided(engine, write(admin, { branch: "refs/heads/mainline" })).decision).toBe("allow")
      expect(rejected(engine, write(admin, { branch: "refs/tags/main" })).reason).toBe("NotABranch")
      expect(rejected(engine, write(admin, { branch: "main..x" })).reason).toBe("ParentSegment")
    })
  })

  it("matches repositories case-insensitively and by pattern", async () => {
    const patterned = {
      repositories: [{ id: "acme", repository: "GitHub.com/Acme/*", protectedBranches: ["main"] }]
    }
    await withEngine(patterned, (engine) => {
      const context = { repository: "github.com/ACME/web", branch: "main" }
      expect(decided(engine, request(admin, "task:submit", deployAgent, context)).policies).toEqual([
        "acme#protected-branches"
      ])
      const elsewhere = { repository: "github.com/other/web", branch: "main" }
      expect(decided(engine, request(admin, "task:submit", deployAgent, elsewhere)).decision).toBe("allow")
    })
  })

  it('"*" also covers requests that name no repository', async () => {
    const everywhere = { repositories: [{ id: "all", repository: "*", protectedPaths: ["secrets"] }] }
    await withEngine(everywhere, (engine) => {
      const decision = decided(engine, request(admin, "task:submit", deployAgent, { paths: ["Secrets/key"] }))
      expect(decision.policies).toEqual(["all#protected-paths"])
    })
  })

  it("enforces minimum trust, allow and deny lists of roles and users", async () => {
    const lists = {
      repositories: [
        {
          id: "core",
          repository: "github.com/acme/core",
          minTrust: "verified",
          allowRoles: ["developer"],
          allowUsers: ["github:42"],
          denyUsers: ["local:eve"]
        }
      ]
    }
    const context = { repository: "github.com/acme/core" }
    await withEngine(lists, (engine) => {
      const ask = (who: PolicyRequest["principal"]) =>
        decided(engine, request(who, "task:submit", deployAgent, context))
      expect(ask(principal(["developer"], "verified")).decision).toBe("allow")
      expect(ask(principal(["developer"], "untrusted")).policies).toEqual(["core#min-trust"])
      expect(ask(principal(["ci"], "trusted", "github:42")).decision).toBe("allow")
      expect(ask(principal(["ci"], "trusted", "github:43")).policies).toEqual(["core#allow"])
      expect(ask(principal(["developer"], "trusted", "local:eve")).policies).toEqual(["core#deny-users"])
    })
  })

  it("enforces agent and skill allow and deny lists", async () => {
    const lists = {
      repositories: [
        {
          id: "core",
          repository: "github.com/acme/core",
          agents: { allow: ["scan", "review-*"] },
          skills: { deny: ["shell.*"] }
        }
      ]
    }
    await withEngine(lists, (engine) => {
      const submit = (agent: string) =>
        decided(
          engine,
          request(
            principal(["developer"]),
            "task:submit",
            { type: "Agent", id: agent },
            {
              repository: "github.com/acme/core"
            }
          )
        )
      expect(submit("scan").decision).toBe("allow")
      expect(submit("review-pr").decision).toBe("allow")
      expect(submit("deploy").policies).toEqual(["core#agents-allow"])
      const skill = (id: string) =>
        decided(
          engine,
          request(
            principal(["developer"]),
            "skill:execute",
            { type: "Skill", id },
            {
              repository: "github.com/acme/core",
              agentId: "scan"
            }
          )
        )
      expect(skill("fs.read").decision).toBe("allow")
      expect(skill("shell.run").policies).toEqual(["core#skills-deny"])
    })
  })
})

describe("skill policies and approval", () => {
  const skill = (id: string, who: PolicyRequest["principal"], context?: PolicyRequest["context"]) =>
    request(who, "skill:execute", { type: "Skill", id }, { agentId: "coder", ...context })

  it("a skill requiring approval is allowed with requiresApproval", async () => {
    const config = { skills: [{ id: "deploy-approval", skill: "deploy.push", requireApproval: true }] }
    await withEngine(config, (engine) => {
      const decision = decided(engine, skill("deploy.push", principal(["developer"])))
      expect(decision.decision).toBe("allow")
      expect(decision.requiresApproval).toBe(true)
      expect(decision.policies).toEqual(["role:developer", "deploy-approval#approval"])
      expect(decided(engine, skill("fs.read", principal(["developer"]))).requiresApproval).toBe(false)
    })
  })

  it("a dangerous skill needs approval by default, unless its policy says otherwise", async () => {
    const config = {
      skills: [
        { id: "shell", skill: "shell.*", dangerous: true },
        { id: "lint", skill: "lint.fix", requireApproval: false }
      ]
    }
    await withEngine(config, (engine) => {
      const shell = decided(engine, skill("shell.run", principal(["developer"])))
      expect(shell.requiresApproval).toBe(true)
      expect(shell.policies).toContain("dangerous-skills#approval")
      const declared = decided(engine, skill("fs.write", principal(["developer"]), { dangerous: true }))
      expect(declared.requiresApproval).toBe(true)
      const lint = decided(engine, skill("lint.fix", principal(["developer"]), { dangerous: true }))
      expect(lint.requiresApproval).toBe(false)
    })
    await withEngine({ dangerousSkills: { requireApproval: false } }, (engine) => {
      expect(decided(engine, skill("fs.write", principal(["developer"]), { dangerous: true })).requiresApproval).toBe(
        false
      )
    })
  })

  it("a dangerous skill below its minimum trust is denied", async () => {
    const config = { skills: [{ id: "shell", skill: "shell.*", dangerous: true, minTrust: "trusted" }] }
    await withEngine(config, (engine) => {
      const verified = decided(engine, skill("shell.run", principal(["developer"], "verified")))
      expect(verified.decision).toBe("deny")
      expect(verified.requiresApproval).toBe(false)
      expect(verified.policies).toEqual(["shell#min-trust"])
      expect(decided(engine, skill("shell.run", principal(["developer"], "trusted"))).decision).toBe("allow")
    })
  })

  it("dangerousSkills.minTrust applies to any skill declared dangerous", async () => {
    await withEngine({ dangerousSkills: { minTrust: "trusted" } }, (engine) => {
      const denied = decided(engine, skill("fs.write", principal(["developer"], "verified"), { dangerous: true }))
      expect(denied.policies).toEqual(["dangerous-skills#min-trust"])
      expect(decided(engine, skill("fs.read", principal(["developer"], "verified"))).decision).toBe("allow")
    })
  })

  it("requires the permissions a skill policy lists", async () => {
    const config = { skills: [{ id: "audit-export", skill: "audit.export", requirePermissions: ["audit:read"] }] }
    await withEngine(config, (engine) => {
      expect(decided(engine, skill("audit.export", principal(["developer"]))).policies).toEqual([
        "audit-export#permissions"
      ])
      expect(decided(engine, skill("audit.export", principal(["admin"]))).decision).toBe("allow")
    })
  })

  it("requires the permissions the skill declares, refusing unknown ones", async () => {
    await withEngine({}, (engine) => {
      const writesConfig = decided(
        engine,
        skill("cfg.set", principal(["developer"]), { skillPermissions: ["config:write"] })
      )
      expect(writesConfig.policies).toEqual(["skill-declared-permissions"])
      const bogus = decided(engine, skill("x", principal(["admin"]), { skillPermissions: ["root:everything"] }))
      expect(bogus.decision).toBe("deny")
      const fine = decided(engine, skill("fs.read", principal(["developer"]), { skillPermissions: ["skill:execute"] }))
      expect(fine.decision).toBe("allow")
    })
  })

  it("approval only concerns skill calls", async () => {
    await withEngine({ skills: [{ id: "s", skill: "*", requireApproval: true }] }, (engine) => {
      const submit = decided(engine, request(principal(["developer"]), "task:submit", deployAgent, { skillId: "x" }))
      expect(submit.requiresApproval).toBe(false)
    })
  })
})

describe("evaluation errors", () => {
  it("a forbid that fails to evaluate denies instead of being skipped", async () => {
    const cedar = `@id("overflow")
forbid (principal, action, resource) when { principal.trust * 9223372036854775807 * 9 > 0 };`
    await withEngine({ cedar }, (engine) => {
      const decision = decided(engine, request(principal(["admin"]), "task:submit", deployAgent))
      expect(decision.decision).toBe("deny")
      expect(decision.policies).toEqual(["overflow"])
      expect(decision.reasons[0]).toContain("could not be evaluated")
    })
  })
})

describe("decision cache", () => {
  const ask = request(principal(["developer"]), "task:submit", deployAgent, {
    repository: repoApp,
    paths: ["./src/a.ts", "src/a.ts"]
  })

  it("a hit returns the same decision object", async () => {
    await withEngine({}, (engine) =>
      Effect.runSync(
        Effect.gen(function* () {
          const first = yield* engine.decide(ask)
          const second = yield* engine.decide({ ...ask, context: { repository: repoApp, paths: ["SRC/A.ts"] } })
          expect(second).toBe(first)
          expect(Object.isFrozen(first)).toBe(true)
          expect(yield* engine.cacheStats).toMatchObject({ hits: 1, misses: 1, size: 1 })
        })
      )
    )
  })

  it("is per session and per trust level", async () => {
    await withEngine({ agents: [{ id: "t", agent: "deploy", minTrust: "trusted" }] }, (engine) => {
      const first = decided(engine, ask)
      expect(decided(engine, { ...ask, principal: { ...ask.principal, sessionId: "s-other" } })).not.toBe(first)
      const lowered = decided(engine, { ...ask, principal: { ...ask.principal, trust: "verified" } })
      expect(lowered.decision).toBe("deny")
      expect(Effect.runSync(engine.cacheStats)).toMatchObject({ hits: 0, misses: 3, size: 3 })
    })
  })

  it("a policy replacement bumps the version and invalidates cached decisions", async () => {
    await withEngine({}, (engine) =>
      Effect.runSync(
        Effect.gen(function* () {
          expect(yield* engine.version).toBe(1)
          expect((yield* engine.decide(ask)).decision).toBe("allow")
          const version = yield* engine.replace({ agents: [{ id: "lock", agent: "deploy", allowRoles: [] }] })
          expect(version).toBe(2)
          expect(yield* engine.version).toBe(2)
          expect((yield* engine.cacheStats).size).toBe(0)
          const after = yield* engine.decide(ask)
          expect(after.decision).toBe("deny")
          expect(after.policies).toEqual(["lock#allow-roles"])
        })
      )
    )
  })

  it("a refused replacement keeps the set in force", async () => {
    await withEngine({ agents: [{ id: "lock", agent: "deploy", allowRoles: [] }] }, (engine) =>
      Effect.runSync(
        Effect.gen(function* () {
          const error = yield* Effect.flip(engine.replace({ agents: [{ id: "x", agent: "deploy", minTrust: "high" }] }))
          expect(error._tag).toBe("PolicyLoadError")
          expect(yield* engine.version).toBe(1)
          expect((yield* engine.decide(ask)).policies).toEqual(["lock#allow-roles"])
        })
      )
    )
  })

  it("forgets a session's decisions on request and stays bounded", async () => {
    await withEngine(
      {},
      (engine) => {
        for (let i = 0; i < 10; i++) decided(engine, { ...ask, principal: { ...ask.principal, sessionId: `s-${i}` } })
        expect(Effect.runSync(engine.cacheStats).size).toBe(4)
        Effect.runSync(engine.forgetSession("s-9"))
        expect(Effect.runSync(engine.cacheStats).size).toBe(3)
      },
      { cacheSize: 4 }
    )
  })
})

describe("decision throughput", () => {
  it("a cached decision costs a small fraction of a Cedar evaluation", async () => {
    const config = {
      agents: [{ id: "deploy", agent: "deploy", minTrust: "verified", denyRoles: ["ci"] }],
      repositories: [
        { id: "app", repository: repoApp, protectedPaths: [".github/workflows"], protectedBranches: ["main"] }
      ]
    }
    await withEngine(config, (engine) => {
      const ask = (sessionId: string) =>
        request(principal(["developer"], "trusted", "local:alice", sessionId), "task:submit", deployAgent, {
          repository: repoApp,
          paths: ["src/a.ts"],
          branch: "feature/x"
        })
      const uncachedRuns = 30
      for (let i = 0; i < uncachedRuns; i++) decided(engine, ask(`s-${i}`))
      const cachedRuns = 3_000
      const same = ask("s-0")
      for (let i = 0; i < cachedRuns; i++) decided(engine, same)
      // Speed is measured in apps/bench; here, that the repeated question never reached Cedar again.
      expect(Effect.runSync(engine.cacheStats).hits).toBe(cachedRuns)
    })
  })
})

describe("PolicyEngine service", () => {
  it("is provided by its layer over the RoleGate service", async () => {
    const decision = await Effect.runPromise(
      Effect.gen(function* () {
        const engine = yield* PolicyEngine
        return yield* engine.decide(request(principal(["auditor"]), "audit:read", { type: "Method", id: "audit.list" }))
      }).pipe(
        Effect.provide(PolicyEngine.layer({})),
        Effect.provide(RoleGate.layer([{ name: "auditor", permissions: ["audit:read"] }]))
      )
    )
    expect(decision.policies).toEqual(["role:auditor"])
  })
})

describe("parseResource", () => {
  it("reads the protocol's resource strings", () => {
    expect(parseResource("task/0190-abc")).toEqual({ type: "Task", id: "0190-abc" })
    expect(parseResource("skill/fs.read")).toEqual({ type: "Skill", id: "fs.read" })
    expect(parseResource("method/task.submit")).toEqual({ type: "Method", id: "task.submit" })
    expect(parseResource("repository/github.com/acme/app")).toEqual({ type: "Repository", id: "github.com/acme/app" })
    expect(parseResource("thing/x")).toBeUndefined()
    expect(parseResource("task/")).toBeUndefined()
    expect(parseResource("__proto__/x")).toBeUndefined()
  })
})
