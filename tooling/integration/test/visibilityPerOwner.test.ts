import type { RuntimeClient, TaskEventEnvelope } from "@coderclaw/protocol"
import { defineAgent } from "@coderclaw/runtime"
import type { SecurityConfig } from "@coderclaw/security"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rejection } from "./support/rejection.js"
import { loginClient, type SecuredMesh, startSecuredMesh, untilTask as until } from "./support/securedMesh.js"

// Visibility is per owner (DESIGN, docs/protocol.md): a user sees the tasks they own from any of their
// sessions; another user without `task:read:any` cannot tell the task exists; a principal holding that
// permission sees it. Proven over real WebSocket connections, each login its own session.

const asker = defineAgent({
  id: "asker",
  name: "Asker",
  run: (_input, ctx) => Effect.map(ctx.askInput("Which one?"), (answer) => ({ answer }))
})

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-visibility", audience: "coderclaw" },
  providers: { local: {} },
  roles: [{ name: "auditor", inherits: ["readonly"], permissions: ["task:read:any"] }]
}

const users = [
  ["alice", ["developer"]],
  ["bob", ["developer"]],
  ["olga", ["auditor"]],
  ["root", ["admin"]]
] as const

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

let mesh: SecuredMesh
const clients: Array<RuntimeClient> = []

beforeAll(async () => {
  mesh = await startSecuredMesh(config, { agents: [asker], skills: [] })
  for (const [username, roles] of users)
    await run(mesh.security.users.createUser({ username, password: `${username}-password-123`, roles: [...roles] }))
}, 120_000)

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()))
  await mesh?.close()
})

/** A new login (a new session) of `username` on its own connection. */
const login = async (username: string): Promise<RuntimeClient> => {
  const client = await loginClient(mesh, username)
  clients.push(client)
  return client
}

const firstEvent = async (client: RuntimeClient, taskId: string): Promise<TaskEventEnvelope | undefined> => {
  for await (const envelope of client.subscribe(taskId)) return envelope
  return undefined
}

describe("visibility per owner over WebSocket", { timeout: 120_000 }, () => {
  it("the owner's other session sees the task; another user gets TASK_NOT_FOUND; task:read:any sees it", async () => {
    const first = await login("alice")
    const task = await first.submit({ agentId: "asker", description: "private question" })
    await until(first, task.id, (record) => record.status === "waiting")

    // Alice again, in a second session on another connection.
    const second = await login("alice")
    const seen = await second.get(task.id)
    expect(seen.id).toBe(task.id)
    expect(seen.owner).toBe("local:alice")
    expect((await second.list()).items.map((record) => record.id)).toContain(task.id)
    expect((await firstEvent(second, task.id))?.event.type).toBe("created")

    // Bob, without task:read:any: the task does not exist for him, whatever he tries.
    const bob = await login("bob")
    expect(await rejection(bob.get(task.id))).toMatchObject({ _tag: "TaskNotFound", taskId: task.id })
    expect((await rejection(firstEvent(bob, task.id)))._tag).toBe("TaskNotFound")
    expect((await rejection(bob.cancel(task.id)))._tag).toBe("TaskNotFound")
    expect((await rejection(bob.provideInput(task.id, "hijacked")))._tag).toBe("TaskNotFound")
    expect((await bob.list()).items.map((record) => record.id)).not.toContain(task.id)
    expect((await bob.list({ sessionId: seen.sessionId })).items).toEqual([])

    // Holders of task:read:any see it: a custom role with just that permission, and an admin.
    for (const username of ["olga", "root"]) {
      const reader = await login(username)
      expect((await reader.get(task.id)).id, username).toBe(task.id)
      expect(
        (await reader.list()).items.map((record) => record.id),
        username
      ).toContain(task.id)
      expect((await firstEvent(reader, task.id))?.event.type, username).toBe("created")
    }

    // Nothing the others tried changed it; the owner's second session can answer it.
    expect((await first.get(task.id)).status).toBe("waiting")
    await second.provideInput(task.id, "this one")
    const done = await until(first, task.id, (record) => record.status === "completed")
    expect(done.result).toEqual({ answer: "this one" })
  })
})
