import type { RuntimeClient, TaskRecord } from "@coderclaw/protocol"
import { defineAgent, defineSkill } from "@coderclaw/runtime"
import type { AuditEntry, SecurityConfig } from "@coderclaw/security"
import { Effect } from "effect"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { rejection } from "./support/rejection.js"
import { loginClient, type SecuredMesh, startSecuredMesh, untilTask as until } from "./support/securedMesh.js"

// Separation of duties over real WebSocket connections: a dangerous call is approved by someone other
// than the person whose task asked for it. Without it, a developer could approve their own command, which
// runs as the server's OS user: one step from reading the server's keys and forging an admin session.

const dangerous = defineSkill({
  id: "deploy.run",
  name: "Run a deployment",
  dangerous: true,
  run: () => Effect.succeed({ deployed: true })
})
const deployer = defineAgent({
  id: "deployer",
  name: "Deployer",
  skills: ["deploy.run"],
  run: (_input, ctx) => ctx.callSkill("deploy.run", {})
})

const baseConfig: SecurityConfig = {
  sessions: { issuer: "coderclaw-sod", audience: "coderclaw" },
  providers: { local: {} },
  roles: [{ name: "approver", inherits: ["developer"], permissions: ["task:read:any", "task:approve:any"] }]
}

const selfApprovalAllowed: SecurityConfig = { ...baseConfig, policies: { approvals: { selfApproval: "allow" } } }

const users = [
  ["alice", ["developer"]],
  ["bob", ["developer"]],
  ["carol", ["approver"]],
  ["admin", ["admin"]],
  ["admin2", ["admin"]]
] as const

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

const startMesh = async (config: SecurityConfig): Promise<SecuredMesh> => {
  const mesh = await startSecuredMesh(config, { agents: [deployer], skills: [dangerous] })
  for (const [username, roles] of users) {
    await run(mesh.security.users.createUser({ username, password: `${username}-password-123`, roles: [...roles] }))
  }
  return mesh
}

const meshes = new Map<SecurityConfig, SecuredMesh>()
const clients: Array<Pick<RuntimeClient, "close">> = []

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()))
})

afterAll(async () => {
  await Promise.allSettled([...meshes.values()].map((mesh) => mesh.close()))
})

/** One mesh per configuration, shared by the tests that use it (each test works on its own tasks). */
const meshWith = async (config: SecurityConfig) => {
  const mesh = meshes.get(config) ?? (await startMesh(config))
  meshes.set(config, mesh)
  const as = async (username: string) => {
    const client = await loginClient(mesh, username)
    clients.push(client)
    return client
  }
  return { mesh, as }
}

const waitingForApproval = (task: TaskRecord) => task.status === "waiting" && task.waitingFor === "approval"
const finished = (task: TaskRecord) => ["completed", "failed", "cancelled"].includes(task.status)

const auditOf = async (mesh: SecuredMesh): Promise<ReadonlyArray<AuditEntry>> => {
  const reader = { principalId: "local:admin", permissions: new Set(["audit:read"]) }
  return (await run(mesh.security.audit.query(reader, { limit: 1_000 }))).items
}

// Each mesh hashes five passwords with scrypt: generous on a busy machine.
describe("separation of duties on approvals", { timeout: 120_000 }, () => {
  it("the owner of a task cannot approve its dangerous call; the refusal is audited and the task keeps waiting", async () => {
    const { mesh, as } = await meshWith(baseConfig)
    const alice = await as("alice")
    const task = await alice.submit({ agentId: "deployer", description: "deploy" })
    await until(alice, task.id, waitingForApproval)

    const refused = await rejection(alice.resolveApproval(task.id, { approved: true }))
    expect(refused._tag).toBe("Forbidden")
    if (refused._tag === "Forbidden") expect(refused.reasons).toContain("separation-of-duties:self-approval")
    expect(waitingForApproval(await alice.get(task.id))).toBe(true)

    const denials = (await auditOf(mesh)).filter(
      (entry) =>
        entry.action === "authz.decide" &&
        entry.actor === "local:alice" &&
        entry.resource === `task/${task.id}` &&
        entry.decision === "deny"
    )
    expect(denials.map((entry) => entry.reasons)).toContainEqual(["separation-of-duties:self-approval"])
  })

  it("another developer cannot even see the task; a principal with task:approve:any approves it and it runs", async () => {
    const { as } = await meshWith(baseConfig)
    const alice = await as("alice")
    const task = await alice.submit({ agentId: "deployer", description: "deploy" })
    await until(alice, task.id, waitingForApproval)

    const bob = await as("bob")
    expect((await rejection(bob.resolveApproval(task.id, { approved: true })))._tag).toBe("TaskNotFound")

    const carol = await as("carol")
    await carol.resolveApproval(task.id, { approved: true, reason: "reviewed" })
    const done = await until(alice, task.id, finished)
    expect(done.status).toBe("completed")
    expect(done.result).toEqual({ deployed: true })
  })

  it("an admin cannot approve a call of their own task either; a second admin can", async () => {
    const { as } = await meshWith(baseConfig)
    const admin = await as("admin")
    const task = await admin.submit({ agentId: "deployer", description: "deploy" })
    await until(admin, task.id, waitingForApproval)
    const refused = await rejection(admin.resolveApproval(task.id, { approved: true }))
    expect(refused._tag).toBe("Forbidden")

    const second = await as("admin2")
    await second.resolveApproval(task.id, { approved: true })
    expect((await until(admin, task.id, finished)).status).toBe("completed")
  })

  it("the owner may still refuse their own task's call: denying only stops work", async () => {
    const { as } = await meshWith(baseConfig)
    const alice = await as("alice")
    const task = await alice.submit({ agentId: "deployer", description: "deploy" })
    await until(alice, task.id, waitingForApproval)
    await alice.resolveApproval(task.id, { approved: false, reason: "changed my mind" })
    const done = await until(alice, task.id, finished)
    expect(done.status).toBe("failed")
    expect(done.error?.code).toBe("APPROVAL_DENIED")
  })

  it("a policy may allow self-approval explicitly", async () => {
    const { as } = await meshWith(selfApprovalAllowed)
    const alice = await as("alice")
    const task = await alice.submit({ agentId: "deployer", description: "deploy" })
    await until(alice, task.id, waitingForApproval)
    await alice.resolveApproval(task.id, { approved: true })
    expect((await until(alice, task.id, finished)).status).toBe("completed")
  })
})
