import type { TaskRecord } from "@coderclaw/protocol"
import { defineAgent, defineSkill } from "@coderclaw/runtime"
import { until } from "@coderclaw/test-kit"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startWorker } from "../src/index.js"
import { startWorkerMesh, type WorkerMesh } from "./support/workerMesh.js"

// Who may host what, and skills called by worker-hosted agents, over real WebSocket connections: the server's
// RBAC and Cedar policies decide registrations and skill calls; the skill runs on the worker.

const guarded = defineAgent({ id: "guarded", name: "Guarded", run: () => Effect.succeed("ran") })
const plain = defineAgent({ id: "plain", name: "Plain", run: (input) => Effect.succeed({ echoed: input }) })
const builtIn = defineAgent({ id: "built-in", name: "Built in", run: () => Effect.succeed("server") })

const writes: Array<string> = []
/** Runs on the worker: records the path it was allowed to write. */
const repoWrite = defineSkill({
  id: "repo.write",
  name: "Write to a repository",
  run: (input) =>
    Effect.sync(() => {
      writes.push(String(input))
      return { wrote: input }
    })
})
const editor = defineAgent({
  id: "editor",
  name: "Editor",
  skills: ["repo.write"],
  run: (input, context) =>
    context.callSkill("repo.write", input, { repository: "app", paths: [typeof input === "string" ? input : "x"] })
})

let mesh: WorkerMesh

beforeAll(async () => {
  mesh = await startWorkerMesh({
    agents: [builtIn],
    policies: {
      agents: [{ id: "guarded-hosts", agent: "guarded", hostMinTrust: "trusted" }],
      repositories: [{ id: "protect-ci-config", repository: "app", protectedPaths: [".github/workflows"] }]
    },
    users: [
      ["alice", ["developer"]],
      ["host", ["worker"]]
    ]
  })
})

afterAll(async () => {
  await mesh?.close()
})

const settled = async (client: Awaited<ReturnType<WorkerMesh["connect"]>>, id: string): Promise<TaskRecord> => {
  let record: TaskRecord | undefined
  await until(
    async () => {
      record = await client.get(id)
      return ["completed", "failed", "cancelled"].includes(record.status)
    },
    { timeoutMs: 30_000, what: `task ${id} to end` }
  )
  return record as TaskRecord
}

describe("worker security", () => {
  it("refuses worker.register to a principal without agent:host", async () => {
    const developer = await mesh.connect("alice")
    const refused = await developer
      .request("worker.register", { name: "rogue", agents: [], skills: [], concurrency: 1 })
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect(refused).toMatchObject({ _tag: "Forbidden", action: "agent:host" })
  })

  it("refuses an agent whose policy wants a more trusted device, and one the server runs itself; both audited", async () => {
    const host = await mesh.connect("host")
    const worker = await startWorker({ client: host, agents: [guarded, plain, builtIn], name: "untrusted" })
    expect(worker.registration.accepted).toEqual(["plain"])
    expect(worker.registration.refused.map((entry) => entry.agentId)).toEqual(["guarded", "built-in"])
    expect(worker.registration.refused[0]?.reason).toContain("guarded-hosts")
    const decisions = (await mesh.audit()).filter(
      (entry) => entry.action === "authz.decide" && entry.resource === "agent/guarded" && entry.actor === "local:host"
    )
    expect(decisions.map((entry) => entry.decision)).toEqual(["deny"])
    worker.stop()
  })

  it("decides a worker-side skill call on the server: a protected path is denied, another runs on the worker", async () => {
    const host = await mesh.connect("host")
    const worker = await startWorker({ client: host, agents: [editor], skills: [repoWrite], name: "editor-host" })
    expect(worker.registration.accepted).toEqual(["editor"])
    const alice = await mesh.connect("alice")
    const allowed = await alice.submit({ agentId: "editor", description: "edit docs", input: "docs/guide.md" })
    const denied = await alice.submit({
      agentId: "editor",
      description: "edit CI",
      input: ".github/workflows/ci.yml",
      maxAttempts: 1
    })
    expect(await settled(alice, allowed.id)).toMatchObject({ status: "completed", result: { wrote: "docs/guide.md" } })
    const refused = await settled(alice, denied.id)
    expect(refused.status).toBe("failed")
    expect(refused.error?.message).toContain("protect-ci-config")
    expect(writes).toEqual(["docs/guide.md"])
    // The decisions name the worker that ran the call and the principal it connected as.
    const skillDecisions = (await mesh.audit()).filter(
      (entry) => entry.action === "authz.decide" && entry.resource === "skill/repo.write"
    )
    expect(skillDecisions.map((entry) => entry.decision).sort()).toEqual(["allow", "deny"])
    for (const entry of skillDecisions)
      expect(entry.details).toMatchObject({ workerId: worker.registration.workerId, workerPrincipal: "local:host" })
    worker.stop()
  })
})
