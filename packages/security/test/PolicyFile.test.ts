import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { parse as parseYaml } from "yaml"
import { checkPolicyConfig, makePolicyEngine, PolicyLoadError } from "../src/policies/index.js"
import { builtinRoleTable, makeRoleGate } from "../src/rbac/index.js"

const gate = makeRoleGate(builtinRoleTable)

const check = (config: unknown) => Effect.runSync(Effect.result(checkPolicyConfig(config, gate)))

const refusal = (config: unknown): PolicyLoadError => {
  const result = check(config)
  if (Result.isSuccess(result)) throw new Error("expected the policy set to be refused")
  expect(result.failure).toBeInstanceOf(PolicyLoadError)
  return result.failure
}

const securityYaml = `
policies:
  agents:
    - id: deploy-trust
      agent: deploy
      minTrust: trusted
  skills:
    - id: shell
      skill: "shell.*"
      dangerous: true
      minTrust: verified
  repositories:
    - id: app
      repository: github.com/acme/app
      protectedPaths: [".github/workflows", "**/*.pem"]
      protectedBranches: [main, "release/*"]
  cedar: |
    @id("no-config-writes")
    @reason("configuration changes go through review")
    forbid (principal, action == Action::"config:write", resource);
  tests:
    - name: developer submits to deploy from a trusted device
      request:
        principal: { id: "local:alice", roles: [developer], trust: trusted }
        action: task:submit
        resource: { type: Agent, id: deploy }
      expect: allow
    - name: verified device cannot submit to deploy
      request:
        principal: { id: "local:alice", roles: [developer], trust: verified }
        action: task:submit
        resource: { type: Agent, id: deploy }
      expect: deny
    - name: traversal into workflows is refused
      request:
        principal: { id: "local:root", roles: [admin], trust: trusted }
        action: skill:execute
        resource: { type: Skill, id: fs.write }
        context: { repository: github.com/acme/app, paths: ["src/../.github/workflows/ci.yml"] }
      expect: deny
    - name: shell needs approval
      request:
        principal: { id: "local:alice", roles: [developer], trust: verified }
        action: skill:execute
        resource: { type: Skill, id: shell.run }
      expect: allow
      requiresApproval: true
    - name: admin cannot write config
      request:
        principal: { id: "local:root", roles: [admin], trust: trusted }
        action: config:write
        resource: { type: Method, id: config.set }
      expect: deny
`

const policiesOf = (yamlText: string): Record<string, unknown> =>
  (parseYaml(yamlText) as { policies: Record<string, unknown> }).policies

describe("loading a policy file", () => {
  it("loads a security.yaml policies section whose embedded tests pass", () => {
    const policies = Result.getOrThrow(check(policiesOf(securityYaml)))
    expect(Object.keys(policies)).toEqual(
      expect.arrayContaining([
        "role:admin",
        "deploy-trust#min-trust",
        "shell#min-trust",
        "app#protected-paths",
        "app#protected-branches",
        "no-config-writes",
        "skill-declared-permissions"
      ])
    )
  })

  it("refuses the whole set when an embedded test fails, naming the case", () => {
    const config = policiesOf(securityYaml)
    const tests = [
      ...(config.tests as Array<unknown>),
      {
        name: "readonly may submit",
        request: {
          principal: { id: "local:bob", roles: ["readonly"], trust: "trusted" },
          action: "task:submit",
          resource: { type: "Agent", id: "scan" }
        },
        expect: "allow"
      }
    ]
    const error = refusal({ ...config, tests })
    expect(error.reason).toBe("TestFailed")
    expect(error.subject).toBe("readonly may submit")
    expect(error.message).toContain('test "readonly may submit" expected allow but got deny')
    expect(error.message).toContain("default-deny")
  })

  it("names every failing case, approval mismatches included", () => {
    const error = refusal({
      skills: [{ id: "push", skill: "git.push", requireApproval: true }],
      tests: [
        {
          name: "push without approval",
          request: {
            principal: { id: "local:a", roles: ["developer"], trust: "trusted" },
            action: "skill:execute",
            resource: { type: "Skill", id: "git.push" }
          },
          expect: "allow",
          requiresApproval: false
        },
        {
          name: "ci cancels anything",
          request: {
            principal: { id: "ci:1", roles: ["ci"], trust: "untrusted" },
            action: "task:cancel:any",
            resource: { type: "Task", id: "t" }
          },
          expect: "allow"
        }
      ]
    })
    expect(error.subject).toBe("push without approval, ci cancels anything")
    expect(error.details).toHaveLength(2)
    expect(error.details[0]).toContain("requiresApproval false")
  })

  it("an engine is never built from a set whose tests fail", async () => {
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.result(
          makePolicyEngine({
            gate,
            config: {
              tests: [
                {
                  name: "nobody submits",
                  request: {
                    principal: { id: "local:a", roles: ["developer"], trust: "trusted" },
                    action: "task:submit",
                    resource: { type: "Agent", id: "x" }
                  },
                  expect: "deny"
                }
              ]
            }
          })
        )
      )
    )
    expect(Result.isFailure(result) && result.failure.reason).toBe("TestFailed")
  })
})

describe("invalid policy files", () => {
  it("names the offending field of a schema error", () => {
    const error = refusal({
      agents: [
        { id: "ok", agent: "a" },
        { id: "bad", agent: "b", minTrust: "high" }
      ]
    })
    expect(error.reason).toBe("InvalidConfig")
    expect(error.message).toContain("agents[1].minTrust")
  })

  it("refuses unknown keys, so a typo is an error instead of a silently ignored rule", () => {
    const error = refusal({ repositories: [{ id: "r", repository: "x", protectedPath: [".github"] }] })
    expect(error.message).toContain("repositories[0].protectedPath")
  })

  it("refuses a hostile protected-path pattern, naming it", () => {
    const error = refusal({ repositories: [{ id: "r", repository: "x", protectedPaths: ["ok", "../etc"] }] })
    expect(error.message).toContain("repositories[0].protectedPaths[1]")
    expect(error.message).toContain("parent segment")
  })

  it("refuses an invalid protected-branch pattern", () => {
    const error = refusal({ repositories: [{ id: "r", repository: "x", protectedBranches: ["main.lock"] }] })
    expect(error.message).toContain("repositories[0].protectedBranches[0]")
  })

  it("refuses an unknown permission in a skill policy", () => {
    const error = refusal({ skills: [{ id: "s", skill: "x", requirePermissions: ["task:nuke"] }] })
    expect(error.message).toContain("skills[0].requirePermissions[0]")
  })

  it("refuses a test request that tries to carry permissions", () => {
    const error = refusal({
      tests: [
        {
          name: "forged",
          request: {
            principal: { id: "local:a", roles: [], trust: "trusted", permissions: ["admin:all"] },
            action: "task:submit",
            resource: { type: "Agent", id: "x" }
          },
          expect: "allow"
        }
      ]
    })
    expect(error.reason).toBe("InvalidConfig")
    expect(error.message).toContain("tests[0].request.principal.permissions")
  })

  it("refuses duplicate policy ids", () => {
    const error = refusal({
      agents: [{ id: "same", agent: "a" }],
      skills: [{ id: "same", skill: "b" }]
    })
    expect(error.reason).toBe("DuplicateId")
    expect(error.subject).toBe("same")
  })

  it("refuses a policy naming a role the role table does not define", () => {
    const error = refusal({ agents: [{ id: "d", agent: "deploy", denyRoles: ["contractor"] }] })
    expect(error.reason).toBe("UnknownRole")
    expect(error.subject).toBe("d")
    expect(error.message).toContain('"contractor"')
  })

  it("reports a Cedar syntax error with its position", () => {
    const error = refusal({
      cedar:
        '@id("a")\npermit (principal, action, resource);\n@id("b")\nforbid (principal, action, resource) when { 1 + };'
    })
    expect(error.reason).toBe("CedarParse")
    expect(error.message).toContain("line 4")
  })

  it("requires an @id on every hand-written policy", () => {
    const error = refusal({
      cedar: '@id("a") permit (principal, action, resource);\nforbid (principal, action, resource);'
    })
    expect(error.reason).toBe("CedarParse")
    expect(error.subject).toBe("cedar policy #2")
  })

  it("reports a Cedar validation error with the policy id", () => {
    const error = refusal({
      cedar: '@id("uses-missing-attribute")\nforbid (principal, action, resource) when { principal.level > 3 };'
    })
    expect(error.reason).toBe("CedarValidation")
    expect(error.subject).toBe("uses-missing-attribute")
    expect(error.message).toContain("level")
  })

  it("refuses a hand-written id that collides with a generated one", () => {
    const error = refusal({ cedar: '@id("role:admin") forbid (principal, action, resource);' })
    expect(error.reason).toBe("DuplicateId")
    expect(error.subject).toBe("role:admin")
  })

  it("refuses policy templates", () => {
    const error = refusal({ cedar: '@id("t") permit (principal == ?principal, action, resource);' })
    expect(error.reason).toBe("CedarParse")
    expect(error.message).toContain("templates")
  })
})
