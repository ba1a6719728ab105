import type { Principal, RuntimeClient } from "@coderclaw/protocol"
import { defineAgent, defineSkill } from "@coderclaw/runtime"
import { type AuditEntry, deviceProofSigner, generateDeviceKey, type SecurityConfig } from "@coderclaw/security"
import { createWsClient } from "@coderclaw/transport-ws"
import { Effect } from "effect"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { rejection } from "./support/rejection.js"
import { type SecuredMesh, startSecuredMesh } from "./support/securedMesh.js"

// The whole security stack over real WebSocket connections on loopback: real session tokens (EdDSA), a
// real GitHub Actions token (RS256, local JWKS), real Ed25519 device proofs against each connection's
// nonce, RBAC and Cedar policies deciding in the runtime, and every decision in the hash-chained audit log.

const ciIssuer = "https://ci.example.test"

const echo = defineAgent({ id: "echo", name: "Echo", run: (input) => Effect.succeed({ echoed: input }) })
const deploy = defineAgent({ id: "deploy", name: "Deploy", run: () => Effect.succeed("deployed") })
const block = defineAgent({ id: "block", name: "Block", run: () => Effect.never })
const writeSkill = defineSkill({
  id: "repo.write",
  name: "Write to a repository",
  run: (input) => Effect.succeed({ wrote: input })
})
/** Writes the path it is given in repository `app` through `repo.write`: policies decide on the path. */
const editorAgent = defineAgent({
  id: "editor",
  name: "Editor",
  skills: ["repo.write"],
  run: (input, ctx) =>
    ctx.callSkill("repo.write", input, {
      repository: "app",
      branch: "feature/x",
      paths: [typeof input === "string" ? input : "README.md"]
    })
})

let mesh: SecuredMesh
let ciKey: CryptoKey
const clients: Array<Pick<RuntimeClient, "close">> = []

const startMesh = (config: SecurityConfig): Promise<SecuredMesh> =>
  startSecuredMesh(config, { agents: [echo, deploy, block, editorAgent], skills: [writeSkill] })

const connect = (token: string, device?: ReturnType<typeof deviceProofSigner>) => {
  const client = createWsClient({
    url: mesh.server.url,
    credentials: { type: "token", token },
    ...(device === undefined ? {} : { device }),
    WebSocket: WebSocket as never,
    reconnect: { maxAttempts: 1 }
  })
  clients.push(client)
  return client
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

const login = async (username: string) =>
  (await run(mesh.security.loginWithPassword(username, `${username}-password-123`))).token

const ciToken = (claims: Record<string, unknown> = {}) =>
  new SignJWT({
    repository: "acme/app",
    repository_id: "111",
    repository_owner: "acme",
    repository_owner_id: "222",
    ref: "refs/heads/main",
    event_name: "push",
    job_workflow_ref: "acme/app/.github/workflows/ci.yml@refs/heads/main",
    ...claims
  })
    .setProtectedHeader({ alg: "RS256", kid: "ci-key" })
    .setIssuer(ciIssuer)
    .setAudience("coderclaw")
    .setSubject("repo:acme/app:ref:refs/heads/main")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(ciKey)

const auditEntries = async (): Promise<ReadonlyArray<AuditEntry>> => {
  const admin = { principalId: "local:admin", permissions: new Set(["audit:read"]) }
  const entries: Array<AuditEntry> = []
  let cursor: string | undefined
  do {
    const page = await run(
      mesh.security.audit.query(admin, { limit: 1_000, ...(cursor === undefined ? {} : { cursor }) })
    )
    entries.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  // Pages come newest first; the tests read the log in the order it was written.
  return entries.sort((a, b) => a.seq - b.seq)
}

const decisionsFor = async (actor: string, resource: string) =>
  (await auditEntries()).filter(
    (entry) => entry.action === "authz.decide" && entry.actor === actor && entry.resource === resource
  )

beforeAll(async () => {
  const pair = await generateKeyPair("RS256")
  ciKey = pair.privateKey as CryptoKey
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "ci-key", alg: "RS256" }
  mesh = await startMesh({
    sessions: { issuer: "coderclaw-e2e", audience: "coderclaw" },
    providers: {
      local: {},
      githubActions: {
        audience: "coderclaw",
        repositoryId: "111",
        repositoryOwnerId: "222",
        refs: ["refs/heads/main"],
        workflows: ["acme/app/.github/workflows/ci.yml@refs/heads/main"],
        issuer: ciIssuer,
        jwks: { keys: [publicJwk] }
      }
    },
    policies: {
      agents: [{ id: "deploy-needs-trusted-device", agent: "deploy", minTrust: "trusted" }],
      repositories: [{ id: "protect-ci-config", repository: "app", protectedPaths: [".github/workflows"] }]
    }
  })
  const users = mesh.security.users
  for (const [username, roles] of [
    ["admin", ["admin"]],
    ["alice", ["developer"]],
    ["reader", ["readonly"]]
  ] as const) {
    await run(users.createUser({ username, password: `${username}-password-123`, roles: [...roles] }))
  }
})

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()))
  await mesh?.close()
})

describe("security end to end over WebSocket", () => {
  it("a readonly user may read and watch but not submit, and both decisions are audited", async () => {
    const reader = connect(await login("reader"))
    const forbidden = await rejection(reader.submit({ agentId: "echo", description: "not allowed" }))
    expect(forbidden._tag).toBe("Forbidden")
    expect((await reader.list()).items).toEqual([])
    const decisions = await decisionsFor("local:reader", "method/task.submit")
    expect(decisions.map((entry) => entry.decision)).toEqual(["deny"])
    expect(decisions[0]?.reasons).toEqual(["default-deny"])
  })

  it("an untrusted device is refused where a trusted one is required; the paired device is let through", async () => {
    const token = await login("alice")
    const untrusted = connect(token)
    const refused = await rejection(untrusted.submit({ agentId: "deploy", description: "ship it" }))
    expect(refused).toMatchObject({ _tag: "Forbidden", resource: "agent/deploy" })
    if (refused._tag === "Forbidden") expect(refused.reasons).toContain("deploy-needs-trusted-device#min-trust")

    // Proved but not paired: `verified`, still below `trusted`.
    const key = generateDeviceKey()
    const verified = connect(await login("alice"), deviceProofSigner(key, { scopes: [] }))
    expect((await rejection(verified.submit({ agentId: "deploy", description: "ship it" })))._tag).toBe("Forbidden")

    const request = await run(
      mesh.security.devices.requestPairing({
        deviceId: key.deviceId,
        publicKey: key.publicKey,
        principalId: "local:alice",
        name: "alice's laptop"
      })
    )
    await run(
      mesh.security.devices.approve(request.id, {
        principalId: "local:admin",
        permissions: new Set(["device:approve"])
      })
    )
    const trusted = connect(await login("alice"), deviceProofSigner(key, { scopes: [] }))
    const task = await trusted.submit({ agentId: "deploy", description: "ship it" })
    expect(task.ownerPrincipal).toMatchObject({ id: "local:alice", trust: "trusted", deviceId: key.deviceId })
    const denied = await decisionsFor("local:alice", "agent/deploy")
    expect(denied.map((entry) => [entry.decision, entry.details?.trust])).toEqual([
      ["deny", "untrusted"],
      ["deny", "verified"],
      ["allow", "trusted"],
      ["allow", "trusted"]
    ])
  })

  it("a ci token may submit and cancel its own tasks but never another principal's", async () => {
    const ci = connect(await ciToken())
    const own = await ci.submit({ agentId: "block", description: "ci job" })
    expect(own.ownerPrincipal).toMatchObject({ provider: "github-actions", roles: ["ci"] })
    expect((await ci.cancel(own.id, "done")).status).toBe("cancelled")

    const alice = connect(await login("alice"))
    const alicesTask = await alice.submit({ agentId: "block", description: "alice's work" })
    // Not even visible to ci: another principal's task is indistinguishable from a missing one.
    expect((await rejection(ci.cancel(alicesTask.id, "not yours")))._tag).toBe("TaskNotFound")
    expect((await alice.get(alicesTask.id)).status).not.toBe("cancelled")

    const forgedRef = connect(await ciToken({ ref: "refs/heads/evil" }))
    expect(await rejection(forgedRef.status())).toMatchObject({
      _tag: "Unauthenticated",
      reason: "invalid_credentials"
    })
    const refusals = (await auditEntries()).filter(
      (entry) => entry.action === "auth.connect" && entry.decision === "failure"
    )
    expect(refusals.some((entry) => entry.reasons.includes("github-actions:claim_not_allowed"))).toBe(true)
  })

  it("an admin may cancel anyone's task, but an explicit forbid policy binds the admin too", async () => {
    const alice = connect(await login("alice"))
    const alicesTask = await alice.submit({ agentId: "block", description: "long job" })
    const admin = connect(await login("admin"))
    expect((await admin.cancel(alicesTask.id, "maintenance")).status).toBe("cancelled")
    const cancelDecisions = await decisionsFor("local:admin", `task/${alicesTask.id}`)
    expect(
      cancelDecisions.some((entry) => entry.decision === "allow" && entry.details?.permission === "task:cancel:any")
    ).toBe(true)

    const allowed = await admin.submit({ agentId: "editor", description: "edit docs", input: "docs/guide.md" })
    const protectedEdit = await admin.submit({
      agentId: "editor",
      description: "edit CI",
      input: ".github/workflows/ci.yml",
      maxAttempts: 1
    })
    const settle = async (id: string) => {
      for (;;) {
        const record = await admin.get(id)
        if (record.status === "completed" || record.status === "failed" || record.status === "cancelled") return record
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
    expect(await settle(allowed.id)).toMatchObject({ status: "completed" })
    const refused = await settle(protectedEdit.id)
    expect(refused.status).toBe("failed")
    expect(refused.error?.message).toContain("protect-ci-config")
    const skillDecisions = await decisionsFor("local:admin", "skill/repo.write")
    expect(skillDecisions.map((entry) => entry.decision).sort()).toEqual(["allow", "deny"])
  })

  it("a password login hands the client a session token, which its later connections use", async () => {
    const client = createWsClient({
      url: mesh.server.url,
      credentials: { type: "password", username: "alice", password: "alice-password-123" },
      WebSocket: WebSocket as never
    })
    clients.push(client)
    const hello = await client.hello()
    expect(hello.principal).toMatchObject({ id: "local:alice", roles: ["developer"] })
    expect(hello.session?.token).toMatch(/^eyJ/)
    const sameSession = connect(hello.session?.token ?? "")
    const task = await sameSession.submit({ agentId: "echo", description: "with the handed-back token" })
    expect(task.sessionId).toBe(hello.principal.sessionId)
    const logins = (await auditEntries()).filter(
      (entry) => entry.action === "auth.connect" && entry.session === hello.principal.sessionId
    )
    expect(logins.map((entry) => entry.reasons)).toEqual([["via:local"], ["via:session"]])
  })

  it("forged roles in a client's claims change nothing, and the audit chain verifies", async () => {
    const reader = connect(await login("reader"))
    const claimed: Principal = {
      id: "local:reader",
      provider: "local",
      sessionId: "forged",
      roles: ["admin"],
      trust: "trusted"
    }
    // A development credential naming itself admin is refused by the security authenticator outright.
    const forged = createWsClient({
      url: mesh.server.url,
      credentials: { type: "development", principal: claimed },
      WebSocket: WebSocket as never,
      reconnect: { maxAttempts: 1 }
    })
    clients.push(forged)
    expect((await rejection(forged.status()))._tag).toBe("Unauthenticated")
    expect((await rejection(reader.submit({ agentId: "echo", description: "still readonly" })))._tag).toBe("Forbidden")

    const verdict = await run(mesh.security.audit.verify())
    expect(verdict.ok).toBe(true)
    const entries = await auditEntries()
    expect(entries.length).toBeGreaterThan(20)
    for (const entry of entries) expect(JSON.stringify(entry)).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/)
  })
})
