import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { defineAgent } from "@coderclaw/runtime"
import type { SecurityConfig } from "@coderclaw/security"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import { type SecuredMesh, startSecuredMesh } from "./support/securedMesh.js"

// The generated JSON Schemas (docs/schemas, written by `pnpm --filter @coderclaw/protocol generate`) must
// describe what a real server sends and accepts: frames captured from a server on loopback are validated
// against them, as a client in another language would.

const schemas = fileURLToPath(new URL("../../../docs/schemas/", import.meta.url))
const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { uuid: true } })
const validator = (path: string) => ajv.compile(JSON.parse(readFileSync(`${schemas}${path}`, "utf8")))

const echo = defineAgent({
  id: "echo",
  name: "Echo",
  run: (input, ctx) =>
    Effect.gen(function* () {
      yield* ctx.progress(50, "half way")
      yield* ctx.log("info", "echoing")
      return { echoed: input }
    })
})

const config: SecurityConfig = {
  sessions: { issuer: "coderclaw-wire", audience: "coderclaw" },
  providers: { local: {} }
}

let mesh: SecuredMesh
beforeAll(async () => {
  mesh = await startSecuredMesh(config, { agents: [echo], skills: [] })
  await Effect.runPromise(
    mesh.security.users.createUser({ username: "alice", password: "alice-password-123", roles: ["developer"] })
  )
}, 120_000)
afterAll(async () => {
  await mesh?.close()
})

/** A raw connection that records every frame the server sends. */
const connect = async () => {
  const socket = new WebSocket(mesh.server.url)
  const frames: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  socket.on("message", (data) => {
    frames.push(JSON.parse(String(data)))
    for (const wake of waiters.splice(0)) wake()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve())
    socket.once("error", reject)
  })
  const next = async (match: (frame: Record<string, unknown>) => boolean) => {
    for (;;) {
      const found = frames.find(match)
      if (found !== undefined) return found
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  let id = 0
  const call = async (method: string, params: unknown) => {
    const request = { jsonrpc: "2.0", id: ++id, method, params }
    socket.send(JSON.stringify(request))
    return { request, response: await next((frame) => frame.id === request.id) }
  }
  return { socket, frames, next, call }
}

describe("frames of a real server match the generated JSON Schemas", { timeout: 120_000 }, () => {
  it("handshake, calls, results, notifications and errors", async () => {
    const wire = await connect()
    const challenge = await wire.next((frame) => frame.method === "connect.challenge")
    const notification = validator("JsonRpcNotification.json")
    const check = (name: string, value: unknown, validate = validator(name)) => {
      const valid = validate(value)
      expect(validate.errors ?? [], `${name}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([])
      expect(valid).toBe(true)
    }
    check("JsonRpcNotification.json", challenge, notification)
    check("ConnectChallenge.json", challenge.params)

    const connectParams = {
      protocol: { min: 1, max: 1 },
      credentials: { type: "password", username: "alice", password: "alice-password-123" },
      client: { name: "schema-check", version: "1.0.0" }
    }
    check("methods/connect.params.json", connectParams)
    const hello = await wire.call("connect", connectParams)
    check("JsonRpcRequest.json", hello.request)
    check("JsonRpcSuccess.json", hello.response)
    check("HelloResult.json", hello.response.result)

    const submitParams = { request: { agentId: "echo", description: "echo me", input: { n: 1 }, priority: 3 } }
    check("methods/task.submit.params.json", submitParams)
    const submitted = await wire.call("task.submit", submitParams)
    check("methods/task.submit.result.json", submitted.response.result)
    const taskId = (submitted.response.result as { id: string }).id

    const subscribed = await wire.call("task.subscribe", { taskId })
    check("methods/task.subscribe.result.json", subscribed.response.result)
    await wire.next((frame) => frame.method === "task.end")
    const events = wire.frames.filter((frame) => frame.method === "task.event")
    expect(events.length).toBeGreaterThanOrEqual(5)
    for (const event of events) {
      check("JsonRpcNotification.json", event, notification)
      check("TaskEventNotification.json", event.params)
    }
    const types = events.map((event) => (event.params as { event: { type: string } }).event.type)
    expect(types).toEqual(expect.arrayContaining(["created", "status_changed", "progress", "log"]))
    check("TaskEndNotification.json", wire.frames.find((frame) => frame.method === "task.end")?.params)

    const listParams = { filter: { status: ["completed"] }, page: { limit: 10 } }
    check("methods/task.list.params.json", listParams)
    const listed = await wire.call("task.list", listParams)
    check("TaskPage.json", listed.response.result)
    check("TaskRecord.json", (listed.response.result as { items: Array<unknown> }).items[0])
    check("methods/runtime.status.result.json", (await wire.call("runtime.status", {})).response.result)
    check("methods/agent.list.result.json", (await wire.call("agent.list", {})).response.result)

    // Errors: the JSON-RPC failure envelope and its ErrorInfo.
    const missing = await wire.call("task.get", { taskId: "0192f0c1-0000-7000-8000-000000000000" })
    check("JsonRpcFailure.json", missing.response)
    check("ErrorInfo.json", (missing.response.error as { data: unknown }).data)
    expect(missing.response.error).toMatchObject({ code: -32004, data: { code: "TASK_NOT_FOUND" } })
    const badCursor = await wire.call("task.list", { page: { cursor: "zzzz" } })
    check("JsonRpcFailure.json", badCursor.response)
    expect(badCursor.response.error).toMatchObject({ code: -32602, data: { code: "INVALID_REQUEST" } })

    // The schemas refuse what the server refuses: a misspelled member.
    expect(validator("methods/task.submit.params.json")({ request: { agentId: "echo", descripton: "typo" } })).toBe(
      false
    )
    wire.socket.close()
  })
})
