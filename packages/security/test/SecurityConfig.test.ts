import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { loadSecurityConfig, parseSecurityConfig, Security, SecurityConfigError } from "../src/index.js"

const example = join(import.meta.dirname, "..", "examples", "security.yaml")

const refusal = (text: string) => Effect.runPromise(Effect.flip(parseSecurityConfig(text, "test.yaml")))

const minimal = `
sessions: { issuer: test, audience: coderclaw }
providers: { local: {} }
`

describe("security.yaml", () => {
  it("the documented example loads and builds a working security service", async () => {
    const config = await Effect.runPromise(loadSecurityConfig(example))
    expect(config.providers.githubActions?.repositoryId).toBe("123456789")
    const security = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(Security.layerInMemory(config))
          return Effect.service(Security).pipe(Effect.provide(context))
        }).pipe(Effect.flatten)
      )
    )
    expect(security.gate.allows(["release-manager"], "device:approve")).toBe(true)
    expect(security.gate.allows(["release-manager"], "task:submit")).toBe(true)
  })

  it("names every misspelt or mistyped field with its path", async () => {
    const error = await refusal(`
sessions: { issuer: test, audience: coderclaw, ttl: 5 }
providers: { local: { minPasswordLength: 4 } }
`)
    expect(error).toBeInstanceOf(SecurityConfigError)
    expect(error.reason).toBe("InvalidConfig")
    expect(error.issues.some((issue) => issue.startsWith("sessions.ttl"))).toBe(true)
    expect(error.issues.some((issue) => issue.startsWith("providers.local.minPasswordLength"))).toBe(true)
    expect(error.message).toContain("test.yaml")
  })

  it("refuses invalid YAML, duplicate keys and a missing file with the place of the problem", async () => {
    expect((await refusal("sessions: [unclosed")).reason).toBe("InvalidYaml")
    expect((await refusal(`${minimal}\nproviders: {}`)).reason).toBe("InvalidYaml")
    const missing = await Effect.runPromise(Effect.flip(loadSecurityConfig("/nonexistent/security.yaml")))
    expect(missing).toMatchObject({ reason: "Unreadable", source: "/nonexistent/security.yaml" })
  })

  it("refuses policies whose embedded tests fail, and unsafe provider settings, when security is built", async () => {
    const build = (text: string) =>
      Effect.runPromise(
        Effect.flip(
          Effect.scoped(
            Effect.flatMap(parseSecurityConfig(text), (config) => Layer.build(Security.layerInMemory(config)))
          )
        )
      )
    const failingTest = await build(`${minimal}
policies:
  tests:
    - name: readers may submit (wrong on purpose)
      request:
        principal: { id: "local:r", roles: [readonly], trust: trusted, sessionId: s }
        action: task:submit
        resource: { type: Agent, id: echo }
      expect: allow
`)
    expect(failingTest).toMatchObject({ _tag: "SecurityConfigError", reason: "InvalidPolicies" })
    expect(failingTest.issues.join("\n")).toContain("readers may submit")

    const unsafe = await build(`
sessions: { issuer: test, audience: coderclaw }
providers:
  oidc:
    - issuer: https://id.example.com
      audience: app
      algorithms: [HS256]
      jwks: { url: https://id.example.com/jwks }
`)
    expect(unsafe).toMatchObject({ _tag: "SecurityConfigError", reason: "InvalidProvider" })

    const cycle = await build(`${minimal}
roles:
  - { name: a, inherits: [b], permissions: [] }
  - { name: b, inherits: [a], permissions: [] }
`)
    expect(cycle).toMatchObject({ _tag: "SecurityConfigError", reason: "InvalidRoles" })
  })
})

describe("docs/security.md", () => {
  it("its security.yaml reference decodes and builds", async () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "security.md"), "utf8")
    const section = doc.slice(doc.indexOf("## `security.yaml`"))
    const yaml = section.slice(
      section.indexOf("```yaml") + "```yaml".length,
      section.indexOf("```", section.indexOf("```yaml") + 7)
    )
    const config = await Effect.runPromise(parseSecurityConfig(yaml, "docs/security.md"))
    expect(config.providers.githubActions?.events).toEqual(["push", "workflow_dispatch"])
    await Effect.runPromise(Effect.scoped(Layer.build(Security.layerInMemory(config))))
  })
})
